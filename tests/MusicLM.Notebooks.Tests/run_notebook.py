"""Executes one notebook top to bottom with the musiclm-csharp kernel (nbclient), as CI does.

usage: /usr/bin/python3 run_notebook.py NOTEBOOK [--timeout SECONDS] [--out EXECUTED.ipynb]
Runs with the notebook's folder as the working directory. Exit 0 when every cell ran without error;
otherwise prints the failing cell and its error and exits 1.
"""
import argparse, os, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

p = argparse.ArgumentParser()
p.add_argument("notebook")
p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
p.add_argument("--out")
a = p.parse_args()

nb = nbformat.read(a.notebook, as_version=4)
client = NotebookClient(nb, kernel_name="musiclm-csharp", timeout=a.timeout,
                        resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.notebook))}})
start = time.time()
try:
    client.execute()
except (CellExecutionError, CellTimeoutError) as e:
    print(f"FAILED {a.notebook}: {e}", file=sys.stderr)
    sys.exit(1)
finally:
    if a.out:
        nbformat.write(nb, a.out)
print(f"OK {a.notebook} {len(nb.cells)} cells in {time.time() - start:.1f} s")
