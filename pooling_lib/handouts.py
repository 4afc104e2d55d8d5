"""Printable handouts: every lesson, with its saved pictures, as a PDF in ``handouts/``.

    python -m pooling_lib.handouts                       # every notebooks/NN-*.ipynb
    python -m pooling_lib.handouts notebooks/02-windows-and-strides.ipynb --out /tmp/h

Each lesson is converted by nbconvert to one self-contained HTML page (the
saved outputs, pictures embedded, no prompts), with every script and
stylesheet that would come from the internet removed (MathJax, require.js,
the widgets' CDN manager: the explorers print as their saved picture), and
then printed to PDF by the headless chromium the browser tests use
(``/usr/bin/chromium``, or the ``CHROMIUM`` environment variable). Nothing
is fetched from outside the machine. The notebooks are not run: the PDF
shows what the committed notebook shows.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["HANDOUTS", "lesson_html", "render", "strip_remote"]

ROOT = Path(__file__).resolve().parents[1]
#: Where the PDFs go by default (git ignores it).
HANDOUTS = ROOT / "handouts"

_REMOTE_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']https?://[^\"']*[\"'][^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref=[\"']https?://[^\"']*[\"'][^>]*>",
    re.IGNORECASE,
)


def strip_remote(html):
    """``html`` without the ``<script src=http...>`` and ``<link href=http...>`` tags.

    Parameters
    ----------
    html : str
        A page.

    Returns
    -------
    str

    Examples
    --------
    >>> strip_remote('<p>a</p><script src="https://cdn.example/x.js"></script><link rel="stylesheet" '
    ...              'href="https://cdn.example/y.css"><script src="local.js"></script>')
    '<p>a</p><script src="local.js"></script>'
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, got {type(html).__name__}")
    return _REMOTE_TAG.sub("", html)


def lesson_html(notebook):
    """The printable HTML of ``notebook``: saved outputs, embedded pictures, no prompts, nothing remote.

    Parameters
    ----------
    notebook : path-like
        A lesson notebook.

    Returns
    -------
    str
    """
    import nbformat
    from nbconvert import HTMLExporter

    notebook = Path(notebook)
    if not notebook.is_file():
        raise ValueError(f"notebook must be an existing .ipynb file, got {str(notebook)!r}")
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata.pop("widgets", None)  # no live widget state: each explorer prints as its saved picture
    exporter = HTMLExporter(template_name="lab", embed_images=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"path": str(notebook.parent)}})
    style = ("<style>@page { size: A4; margin: 14mm; } body { font-size: 12pt; } "
             ".jp-OutputArea-output img { max-width: 100%; height: auto; } "
             ".jp-Cell { break-inside: avoid-page; }</style>")
    return strip_remote(body).replace("</head>", style + "</head>", 1)


def chromium():
    """The chromium executable, or a RuntimeError that says how to get it."""
    path = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if not path.exists():
        raise RuntimeError(f"no chromium at {path}: install Debian's chromium (as root: apt-get update && "
                           "apt-get install -y chromium) or set CHROMIUM to a chromium executable")
    return str(path)


def render(notebooks=None, out=HANDOUTS):
    """Write one PDF per notebook into ``out``; return their paths.

    Parameters
    ----------
    notebooks : list of path-like, optional
        Default: every ``notebooks/NN-*.ipynb`` of this repository.
    out : path-like
        The folder for the PDFs (created).

    Returns
    -------
    list of Path
    """
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")) if notebooks is None else notebooks
    notebooks = [Path(n) for n in notebooks]
    if not notebooks:
        raise ValueError("notebooks must name at least one lesson, got none")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    browser = chromium()
    written = []
    with tempfile.TemporaryDirectory(prefix="handouts-") as tmp:
        for notebook in notebooks:
            page = Path(tmp) / f"{notebook.stem}.html"
            page.write_text(lesson_html(notebook), encoding="utf-8")
            pdf = out / f"{notebook.stem}.pdf"
            result = subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--no-pdf-header-footer",
                 f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
                capture_output=True, text=True, timeout=300, check=False)
            if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
                raise RuntimeError(f"chromium could not print {notebook.name}: {result.stderr[-1500:]}")
            print(f"{pdf} ({pdf.stat().st_size // 1024} KB)", flush=True)
            written.append(pdf)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="lesson notebooks (default: every notebooks/NN-*.ipynb)")
    parser.add_argument("--out", default=str(HANDOUTS), help=f"folder for the PDFs (default {HANDOUTS})")
    args = parser.parse_args(argv)
    try:
        render(args.notebooks or None, args.out)
    except (RuntimeError, ValueError) as error:
        sys.exit(f"handouts: {error}")


if __name__ == "__main__":
    main()
