#!/usr/bin/env python3
"""Download Meta's pretrained EnCodec 24 kHz weights (encodec_24khz-d7cc33bc.th) for the course's codec.

The file is a torch.save of the model's state dict; load it in C# with
MusicLM.Codec.EncodecImport.Load(path). Its name carries the first 8 hex digits of its SHA-256
("d7cc33bc"), which this script checks. An interrupted download resumes where it stopped.
Standard library only.

usage: encodec_weights.py [--dest DIR] [--url URL] [--verify FILE]
"""
import argparse
import hashlib
import os
import sys
import urllib.error
import urllib.request

URL = "https://dl.fbaipublicfiles.com/encodec/v0/encodec_24khz-d7cc33bc.th"
# The course's data folder, as the C# library's DataFolder finds it: $MUSICLM_DATA, else .musiclm/ in the repository.
DEFAULT_DEST = os.path.join(os.environ.get("MUSICLM_DATA") or os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".musiclm")), "weights")


def expected_prefix(name):
    """The SHA-256 prefix in a checkpoint name: 'encodec_24khz-d7cc33bc.th' -> 'd7cc33bc'."""
    stem = os.path.basename(name).rsplit(".", 1)[0]
    if "-" not in stem:
        raise ValueError(f"'{name}' has no '-<sha256 prefix>' in its name")
    prefix = stem.rsplit("-", 1)[1].lower()
    if not prefix or any(c not in "0123456789abcdef" for c in prefix):
        raise ValueError(f"'{name}' does not end in a hexadecimal hash prefix")
    return prefix


def sha256_of(path, chunk=1 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk)
            if not block:
                return h.hexdigest()
            h.update(block)


def verify(path, name=None):
    """True when the file's SHA-256 starts with the prefix in its (or the given) name."""
    return sha256_of(path).startswith(expected_prefix(name or path))


def download(url, dest_dir):
    name = url.rsplit("/", 1)[1]
    os.makedirs(dest_dir, exist_ok=True)
    final = os.path.join(dest_dir, name)
    if os.path.exists(final) and verify(final):
        print(f"already there and verified: {final}")
        return final
    part = final + ".part"
    have = os.path.getsize(part) if os.path.exists(part) else 0
    req = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            if have and r.status != 206:  # the server ignored the range: start again
                have = 0
            total = r.headers.get("Content-Length")
            total = int(total) + have if total else None
            with open(part, "ab" if have else "wb") as f:
                done = have
                while True:
                    block = r.read(1 << 20)
                    if not block:
                        break
                    f.write(block)
                    done += len(block)
                    if total:
                        print(f"\r{done / 1e6:.1f} / {total / 1e6:.1f} MB", end="", flush=True)
            print()
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # range past the end: the partial file is complete
            pass
        else:
            sys.exit(f"download failed: HTTP {e.code} from {url}")
    except (urllib.error.URLError, OSError) as e:
        sys.exit(f"cannot reach {url} ({getattr(e, 'reason', e)}). Are you offline? "
                 f"Download it on a connected machine and copy it to {final}, or rerun to resume.")
    if not verify(part, name):
        os.remove(part)
        sys.exit(f"checksum mismatch: the SHA-256 of the download does not start with {expected_prefix(name)}; removed it, rerun to fetch again")
    os.replace(part, final)
    print(f"saved and verified: {final}")
    return final


def main(argv=None):
    p = argparse.ArgumentParser(description="Download and verify the pretrained EnCodec 24 kHz weights.")
    p.add_argument("--dest", default=DEFAULT_DEST, help=f"folder for the weights (default {DEFAULT_DEST}; $MUSICLM_DATA/weights)")
    p.add_argument("--url", default=URL, help="where to download from (default: the official address)")
    p.add_argument("--verify", metavar="FILE", help="only check FILE's SHA-256 against the prefix in its name, download nothing")
    args = p.parse_args(argv)
    if args.verify:
        try:
            ok = verify(args.verify)
        except (ValueError, OSError) as e:
            print(f"cannot verify: {e}", file=sys.stderr)
            return 2
        print(("OK " if ok else "MISMATCH ") + args.verify)
        return 0 if ok else 1
    download(args.url, args.dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
