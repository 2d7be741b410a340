"""Starts environment/hub's JupyterHub on loopback as a workshop would, with two test-only changes (the
accounts and the spawner: every "student" runs as the current account, in a temporary home), then spawns
one student's server through the hub's REST API and checks what the student gets: the C# (MusicLM)
kernel, the course's notebooks in their own folder, the library linked for the notebooks' #r paths and
the prepared models linked into MUSICLM_DATA. Prints one line per check; exits 1 on the first failure.

    python3 hub_check.py REPO_ROOT
"""
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, token=None, method="GET", body=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    if token:
        req.add_header("Authorization", "token " + token)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, socket.timeout) as e:
        return None, str(e)


def main():
    repo = pathlib.Path(sys.argv[1]).resolve()
    base = repo / "environment" / "hub" / "jupyterhub_config.py"
    work = pathlib.Path(tempfile.mkdtemp(prefix="musiclm-hub-"))
    prefix, homes, models, state = (work / n for n in ("prefix", "homes", "models", "state"))
    homes.mkdir()
    (models / "codec").mkdir(parents=True)
    (models / "codec" / "course.safetensors").write_bytes(b"prepared codec")
    (models / "prepare.json").write_text("{}")
    install = subprocess.run(["bash", str(repo / "environment" / "install-kernel.sh"), "--prefix", str(prefix)],
                             capture_output=True, text=True)
    if install.returncode != 0:
        fail("installing the kernelspec: " + install.stdout + install.stderr)
    token = secrets.token_hex(16)
    port = free_port()
    config = work / "test_config.py"
    config.write_text(f"""
load_subconfig({str(base)!r})
c = get_config()
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes)!r} + "/{{username}}"
c.Spawner.env_keep.extend(["JUPYTER_PATH", "DOTNET_ROOT", "DOTNET_CLI_HOME", "HOME"])
c.Spawner.args = {["--allow-root"] if os.geteuid() == 0 else []!r}
c.JupyterHub.services = [{{"name": "check", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "check", "services": ["check"],
                             "scopes": ["admin:users", "admin:servers", "access:servers"]}}]
""")
    env = dict(os.environ, MUSICLM_HUB_STATE=str(state), MUSICLM_HUB_MODELS=str(models),
               MUSICLM_HUB_PORT=str(port), MUSICLM_HUB_IP="127.0.0.1",
               JUPYTER_PATH=str(prefix / "share" / "jupyter"))
    log = open(work / "hub.log", "w")
    hub = subprocess.Popen(["jupyterhub", "-f", str(config)], cwd=work, env=env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            status, body = request(url + "/hub/api")
            if status == 200:
                break
            if hub.poll() is not None or time.time() > deadline:
                fail("the hub did not answer on loopback:\n" + (work / "hub.log").read_text()[-3000:])
            time.sleep(0.5)
        print(f"ok: the hub answers on 127.0.0.1:{port} (JupyterHub {body['version']})", flush=True)
        status, body = request(url + "/hub/api/users/student", token, "POST", {})
        if status != 201:
            fail(f"creating the student: {status} {body}")
        status, body = request(url + "/hub/api/users/student/server", token, "POST", {})
        if status not in (201, 202):
            fail(f"spawning the student's server: {status} {body}\n" + (work / "hub.log").read_text()[-3000:])
        deadline = time.time() + 150
        while True:
            status, user = request(url + "/hub/api/users/student", token)
            server = (user.get("servers") or {}).get("", {}) if isinstance(user, dict) else {}
            if server.get("ready"):
                break
            if time.time() > deadline or hub.poll() is not None:
                fail("the student's server did not become ready:\n" + (work / "hub.log").read_text()[-3000:])
            time.sleep(1)
        print("ok: the student's server is up", flush=True)
        status, specs = request(url + "/user/student/api/kernelspecs", token)
        if status != 200 or "musiclm-csharp" not in specs.get("kernelspecs", {}):
            fail(f"the student's kernels: {status} {specs}")
        print("ok: the student's server offers the C# (MusicLM) kernel", flush=True)
        status, contents = request(url + "/user/student/api/contents", token)
        names = sorted(i["name"] for i in contents.get("content", [])) if status == 200 else []
        expected = sorted(p.name for p in (repo / "notebooks").iterdir() if p.suffix in (".ipynb", ".md"))
        if names != expected:
            fail(f"the student's notebook folder holds {names}, expected {expected}")
        print(f"ok: the student's folder holds the course's {len(expected)} files", flush=True)
        course = homes / "student" / "musiclm-course"
        lib = course / "lib"
        if not lib.is_symlink() or lib.resolve() != (repo / "lib").resolve():
            fail(f"{lib} is not a link to the repository's lib/")
        linked = course / ".musiclm" / "codec" / "course.safetensors"
        if not linked.is_symlink() or linked.read_bytes() != b"prepared codec":
            fail(f"{linked} is not a link to the prepared codec")
        if (course / ".musiclm" / "prepare.json").exists():
            fail("prepare.json was linked: a student's notebook would report the instructor's preparation state")
        print("ok: the library and the prepared models are linked into the student's course", flush=True)
        data = None
        for proc in pathlib.Path("/proc").iterdir():
            try:
                if b"jupyterhub-singleuser" not in (proc / "cmdline").read_bytes():
                    continue
                env_vars = dict(v.split(b"=", 1) for v in (proc / "environ").read_bytes().split(b"\0") if b"=" in v)
            except (OSError, ValueError):
                continue
            if env_vars.get(b"JUPYTERHUB_USER") == b"student":
                data = env_vars.get(b"MUSICLM_DATA", b"").decode()
        if data != str(course / ".musiclm"):
            fail(f"the student's server runs with MUSICLM_DATA={data!r}, expected {str(course / '.musiclm')!r}")
        print("ok: the student's notebooks read and write their data in their own course folder", flush=True)
        status, _ = request(url + "/hub/api/users/student/server", token, "DELETE")
        if status not in (202, 204):
            fail(f"stopping the student's server: {status}")
        print("ok: the student's server stops", flush=True)
    finally:
        try:
            os.killpg(hub.pid, signal.SIGTERM)
            hub.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
        log.close()


if __name__ == "__main__":
    main()
