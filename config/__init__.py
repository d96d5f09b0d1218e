import os

# One BLAS thread per process. The matrices a request or task multiplies are small (one
# row per member of a group); OpenBLAS would start a thread per core for each of them, and
# on a machine whose cores the other web and Celery processes are using, waiting for those
# threads costs 100 times the work (a 200 x 200 solve: 1 ms alone, 100 ms on a busy box).
# Processes, not BLAS threads, use the cores. Set before numpy loads (it reads it then).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from .celery import app as celery_app  # noqa: E402 - after the environment above

__all__ = ("celery_app",)
