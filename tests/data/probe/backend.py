"""A PEP 517 build backend with no dependencies, for tests/test_real_runs.py: the package
`pipfix-probe` 1.0 is a module and a console script. Installers build its sdist into a wheel
offline and keep that wheel in their caches (pip: ~/.cache/pip/wheels)."""

import base64
import hashlib
import io
import os
import tarfile
import zipfile

DIST = "pipfix_probe-1.0"
METADATA = b"Metadata-Version: 2.1\nName: pipfix-probe\nVersion: 1.0\n"
FILES = {
    "pipfix_probe.py": b"def main():\n    print('probe')\n",
    f"{DIST}.dist-info/METADATA": METADATA,
    f"{DIST}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: probe\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    f"{DIST}.dist-info/entry_points.txt": b"[console_scripts]\npipfix-probe = pipfix_probe:main\n",
}


def _record(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = f"{DIST}-py3-none-any.whl"
    record = "".join(_record(path, data) for path, data in FILES.items()) + f"{DIST}.dist-info/RECORD,,\n"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        for path, data in FILES.items():
            wheel.writestr(path, data)
        wheel.writestr(f"{DIST}.dist-info/RECORD", record)
    return name


def build_sdist(sdist_directory, config_settings=None):
    name = f"{DIST}.tar.gz"
    here = os.path.dirname(os.path.abspath(__file__))
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as sdist:
        for path in ("pyproject.toml", "backend.py"):
            sdist.add(os.path.join(here, path), f"{DIST}/{path}")
        info = tarfile.TarInfo(f"{DIST}/PKG-INFO")
        info.size = len(METADATA)
        sdist.addfile(info, io.BytesIO(METADATA))
    return name
