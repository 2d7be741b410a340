#!/usr/bin/python3
"""MusicCaps: 5.5k ten-second YouTube clips captioned by musicians (Agostinelli et al., the MusicLM paper).

Captions: CC BY-SA 4.0 (musiccaps-public.csv from https://huggingface.co/datasets/google/MusicCaps,
also on Kaggle). The audio is NOT distributed: supply a folder of files named by YouTube id
(<ytid>.wav/.mp3/.m4a/.opus/…; whole videos or already-cut clips). This script matches them to the CSV,
cuts [start_s, end_s) with ffmpeg (unless the file already is the clip) and writes 16-bit WAVs.
Split: is_audioset_eval rows are 'test'; the rest 'train', with 10 % of them 'valid' by a hash of ytid.

    /usr/bin/python3 data-scripts/musiccaps.py --audio YT_DIR --out DIR
    /usr/bin/python3 data-scripts/musiccaps.py --from-local CSV_DIR --audio YT_DIR --out DIR
"""
import argparse
import csv
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

URL = "https://huggingface.co/datasets/google/MusicCaps/resolve/main/musiccaps-public.csv"
CSV = "musiccaps-public.csv"
SHA256 = {}   # recorded on first download, verified afterwards


def find_audio(folder, ytid):
    for name in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(name)
        if stem == ytid and ext and not name.endswith(".part"):
            return os.path.join(folder, name)
    return None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=c.default_out("musiccaps"))
    p.add_argument("--audio", required=True, metavar="DIR", help="your folder of audio files named <ytid>.<ext>")
    p.add_argument("--from-local", metavar="DIR", help="a folder holding musiccaps-public.csv (no download)")
    p.add_argument("--mirror", metavar="URL", help="download the CSV from this base URL instead of Hugging Face")
    p.add_argument("--sample-rate", type=int, help="resample the clips to this rate (default: keep the source's)")
    a = p.parse_args(argv)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    if a.from_local:
        csv_path = os.path.join(os.path.abspath(a.from_local), CSV)
        if not os.path.exists(csv_path):
            c.fail(f"{csv_path} not found: --from-local needs the folder holding {CSV}")
    else:
        csv_path = c.download(f"{a.mirror}/{CSV}" if a.mirror else URL, os.path.join(out, "downloads", CSV), SHA256.get(CSV))
    if not os.path.isdir(a.audio):
        c.fail(f"{a.audio} is not a folder; MusicCaps audio must be supplied as files named by YouTube id")
    c.need_ffmpeg("cutting MusicCaps clips")

    records, missing = [], []
    with open(csv_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ytid = row["ytid"]
            src = find_audio(a.audio, ytid)
            if src is None:
                missing.append(ytid)
                continue
            start, end = float(row["start_s"]), float(row["end_s"])
            rel = f"audio/{ytid}.wav"
            dst = os.path.join(out, rel)
            if not (os.path.exists(dst) and c.audio_facts(dst)[0]):   # finished clips are kept on a rerun
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                length, _ = c.audio_facts(src)
                already_cut = length is not None and length <= (end - start) + 0.5
                cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
                if not already_cut:
                    cmd += ["-ss", f"{start:.3f}", "-t", f"{end - start:.3f}"]
                cmd += ["-i", src, "-vn", "-c:a", "pcm_s16le"]
                if a.sample_rate:
                    cmd += ["-ar", str(a.sample_rate)]
                tmp = dst[:-4] + ".tmp.wav"
                r = subprocess.run(cmd + [tmp], capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"warning: {src}: ffmpeg failed: {r.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                    continue
                os.replace(tmp, dst)
            duration, rate = c.audio_facts(dst)
            is_eval = str(row.get("is_audioset_eval", "")).strip().lower() in ("true", "1")
            records.append({
                "id": ytid,
                "audio": rel,
                "caption": row["caption"].strip(),
                "split": "test" if is_eval else ("valid" if c.split_for(ytid, valid=0.1, test=0) == "valid" else "train"),
                "duration_s": duration,
                "sample_rate": rate,
                "source": "musiccaps",
            })
    path = c.write_manifest(out, records)
    print(f"{len(records)} clips → {path}" + (f"; {len(missing)} ytids without audio in {a.audio} (listed in missing.txt)" if missing else ""))
    if missing:
        with open(os.path.join(out, "missing.txt"), "w") as f:
            f.write("\n".join(missing) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
