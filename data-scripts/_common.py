"""Shared helpers for the data-scripts: resumable checksummed downloads, audio facts, manifests.

Standard library only. Every script writes a folder with audio and a ``manifest.jsonl`` in the
course's manifest format: one JSON object per line with ``id``, ``audio`` (path relative to the
manifest), ``caption``, ``split`` (train/valid/test), ``duration_s``, ``sample_rate``, ``source`` and,
when known, ``instruments``, ``tempo_bpm``, ``key``, ``mode``, ``meter``, ``style``.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import wave

CHUNK = 1 << 20


def default_out(name):
    root = os.environ.get("MUSICLM_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".musiclm", "data")
    return os.path.join(root, name)


def fail(message, code=1):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def offline(url, err):
    host = urllib.parse.urlparse(url).hostname or url
    fail(f"cannot reach {host}: are you offline? ({getattr(err, 'reason', err)}). "
         "Connect to the internet and run again (finished downloads are kept and resumed), "
         "or pass --from-local DIR with a copy downloaded elsewhere.", 2)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def download(url, dest, sha256=None, log=print):
    """Downloads url to dest, resuming dest + '.part' with an HTTP Range request after an interruption.

    With a known sha256 the file is verified against it; otherwise the checksum of the first complete
    download is recorded in checksums.json beside dest and every later run verifies against that record.
    """
    folder = os.path.dirname(os.path.abspath(dest))
    os.makedirs(folder, exist_ok=True)
    ledger_path = os.path.join(folder, "checksums.json")
    ledger = {}
    if os.path.exists(ledger_path):
        with open(ledger_path) as f:
            ledger = json.load(f)
    name = os.path.basename(dest)
    expected = sha256 or ledger.get(name)
    if os.path.exists(dest):
        if expected is None or sha256_of(dest) == expected:
            log(f"{name}: already downloaded")
            return dest
        log(f"{name}: checksum mismatch, downloading again")
        os.remove(dest)
    part = dest + ".part"
    have = os.path.getsize(part) if os.path.exists(part) else 0
    request = urllib.request.Request(url, headers={"User-Agent": "musiclm-notebooks-data-scripts"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            resumed = have and response.status == 206
            if have and not resumed:
                log(f"{name}: the server does not resume; starting again")
            total = response.headers.get("Content-Length")
            log(f"{name}: {'resuming at ' + str(have) + ' bytes' if resumed else 'downloading'} from {url}")
            with open(part, "ab" if resumed else "wb") as f:
                shutil.copyfileobj(response, f, CHUNK)
            if total is not None and os.path.getsize(part) != (have if resumed else 0) + int(total):
                fail(f"{name}: the download ended early; run again to resume", 1)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:   # the .part already holds everything
            pass
        else:
            fail(f"{url}: HTTP {e.code} {e.reason}")
    except urllib.error.URLError as e:
        offline(url, e)
    except (TimeoutError, ConnectionError) as e:
        fail(f"{name}: the connection dropped ({e}); run again to resume", 1)
    digest = sha256_of(part)
    if expected is not None and digest != expected:
        os.remove(part)
        fail(f"{name}: SHA-256 {digest} does not match the expected {expected}; the partial file was removed, run again", 3)
    os.replace(part, dest)
    if name not in ledger:
        ledger[name] = digest
        tmp = ledger_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(ledger, f, indent=1, sort_keys=True)
        os.replace(tmp, ledger_path)
    return dest


def step_done(out, step):
    return os.path.exists(os.path.join(out, f".done-{step}"))


def mark_done(out, step):
    open(os.path.join(out, f".done-{step}"), "w").close()


def is_wav(path):
    with open(path, "rb") as f:
        head = f.read(12)
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def have_ffmpeg():
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def audio_facts(path):
    """(duration_s, sample_rate) from the header: PCM WAV via the wave module, anything else via ffprobe."""
    if is_wav(path):
        try:
            with wave.open(path, "rb") as w:
                return round(w.getnframes() / w.getframerate(), 6), w.getframerate()
        except wave.Error:
            pass   # float or extensible WAV: ffprobe below
    if not have_ffmpeg():
        return None, None
    r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                        "stream=sample_rate,duration:format=duration", "-of", "json", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, None
    info = json.loads(r.stdout or "{}")
    streams = info.get("streams") or [{}]
    duration = streams[0].get("duration") or info.get("format", {}).get("duration")
    rate = streams[0].get("sample_rate")
    return (round(float(duration), 6) if duration else None), (int(rate) if rate else None)


def need_ffmpeg(why):
    if not have_ffmpeg():
        fail(f"{why} needs ffmpeg and ffprobe; install them with environment/setup.sh or `sudo apt-get install ffmpeg`")


def split_for(key, valid=0.1, test=0.1):
    """A stable train/valid/test assignment from a hash of key (the same on every machine and run)."""
    x = int(hashlib.sha1(str(key).encode()).hexdigest()[:8], 16) / 0x100000000
    return "test" if x < test else "valid" if x < test + valid else "train"


def link_or_copy(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.exists(dst) and os.path.getsize(dst) == os.path.getsize(src):
        return
    tmp = dst + ".tmp"
    try:
        if os.path.exists(tmp):
            os.remove(tmp)
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def write_manifest(out, records):
    """Writes out/manifest.jsonl atomically; None values are left out."""
    path = os.path.join(out, "manifest.jsonl")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path
