# JupyterHub for a workshop on one shared server (Debian's `jupyterhub` package): each student logs in
# with a system account and gets Jupyter's classic notebook with the C# (MusicLM) kernel, in their own
# copy of the course, with the instructor's prepared models linked in (no student trains a model before
# the first listening). Start it with `environment/hub/start` (which also installs and builds what is
# missing); `environment/hub/add-students N` makes accounts.
#
# Settings, all from the environment (environment/hub/start sets them from its options):
#   MUSICLM_HUB_IP      address to listen on (default 127.0.0.1; 0.0.0.0 for a room's network)
#   MUSICLM_HUB_PORT    port (default 8000)
#   MUSICLM_HUB_STATE   folder for the hub's database and cookie secret (default /var/lib/musiclm-hub)
#   MUSICLM_HUB_MODELS  the prepared models (`musiclm course prepare`; default .musiclm/ in the repository)
#
# On first login a student gets ~/musiclm-course/: notebooks/ (copies of the course's notebooks;
# a student's edits are never overwritten), lib -> the repository's built library (the notebooks' #r
# paths are ../lib/...), and .musiclm/ (MUSICLM_DATA) with a link to each prepared file. A notebook that
# trains a model again saves the student's own file in place of the link (every checkpoint is written to
# a temporary file and renamed), so the shared models are never changed.
import os
import pathlib
import pwd
import shutil

repo = pathlib.Path(__file__).resolve().parents[2]
models = pathlib.Path(os.environ.get("MUSICLM_HUB_MODELS", str(repo / ".musiclm")))
state = pathlib.Path(os.environ.get("MUSICLM_HUB_STATE", "/var/lib/musiclm-hub"))
state.mkdir(parents=True, exist_ok=True)

# Debian's configurable-http-proxy finds its modules (commander, …) in /usr/share/nodejs, which Debian's
# own node searches and a node from another source (NodeSource's, say) does not.
if pathlib.Path("/usr/share/nodejs").is_dir():
    os.environ["NODE_PATH"] = os.pathsep.join(
        p for p in (os.environ.get("NODE_PATH"), "/usr/share/nodejs") if p)

c = get_config()  # noqa: F821 (provided by JupyterHub)
c.JupyterHub.ip = os.environ.get("MUSICLM_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("MUSICLM_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
c.Spawner.cmd = ["jupyterhub-singleuser"]
c.Spawner.default_url = "/tree"
c.Spawner.notebook_dir = "~/musiclm-course/notebooks"
# A workshop's kernels train for minutes: no idle culling, and a generous start timeout (the first
# kernel start of a fresh account composes Roslyn's workspace).
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def _home(spawner):
    home = getattr(spawner, "home_dir", None)  # SimpleLocalProcessSpawner (one account for everyone)
    return pathlib.Path(home) if home else pathlib.Path(pwd.getpwnam(spawner.user.name).pw_dir)


def _owner(spawner):
    try:
        entry = pwd.getpwnam(spawner.user.name)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return None


def prepare_course(spawner):
    """Gives the student ~/musiclm-course (see the top of this file); idempotent, keeps their work."""
    course = _home(spawner) / "musiclm-course"
    notebooks = course / "notebooks"
    data = course / ".musiclm"
    notebooks.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    for source in sorted((repo / "notebooks").iterdir()):
        if source.suffix in (".ipynb", ".md") and not (notebooks / source.name).exists():
            shutil.copy2(source, notebooks / source.name)
    lib = course / "lib"
    if not lib.is_symlink() and not lib.exists():
        lib.symlink_to(repo / "lib")
    if models.is_dir():
        for source in sorted(models.rglob("*")):
            if source.is_file() and source.name != "prepare.json":
                target = data / source.relative_to(models)
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists() and not target.is_symlink():
                    target.symlink_to(source)
    else:
        spawner.log.warning("musiclm: no prepared models at %s (run `musiclm course prepare`); "
                            "each notebook will train what it needs quickly", models)
    owner = _owner(spawner)
    if owner is not None and os.geteuid() == 0:
        for path in [course, *course.rglob("*")]:
            os.lchown(path, *owner)
    spawner.environment["MUSICLM_DATA"] = str(data)


c.Spawner.pre_spawn_hook = prepare_course
