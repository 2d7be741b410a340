#!/usr/bin/python3
"""Song Describer Dataset (SDD): ~1.1k human captions for 706 two-minute MTG-Jamendo recordings.

Captions: CC BY-SA 4.0. Audio: the recordings' own Creative Commons licences (audio_licenses.txt).
Source: https://zenodo.org/records/10072001 (song_describer.csv, audio.zip with audio/XX/ID.2min.mp3).
SDD ships a single split meant for evaluation, so every row is 'test' unless --split-by-track assigns
train/valid/test by a hash of the track (all captions of one track stay together).

    /usr/bin/python3 data-scripts/song_describer.py --out DIR            # download (≈ 3.3 GB) and prepare
    /usr/bin/python3 data-scripts/song_describer.py --from-local SDD --out DIR
"""
import argparse
import ast
import csv
import os
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

BASE = "https://zenodo.org/records/10072001/files"
FILES = ["song_describer.csv", "audio.zip"]
SHA256 = {}   # not published by the dataset; the first download's checksum is recorded and verified after


def as_list(text):
    if not text:
        return None
    try:
        v = ast.literal_eval(text)
        return [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]
    except (ValueError, SyntaxError):
        return [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]


def fetch(out, mirror):
    dl = os.path.join(out, "downloads")
    for name in FILES:
        c.download(f"{mirror or BASE}/{name}" + ("" if mirror else "?download=1"), os.path.join(dl, name), SHA256.get(name))
    if not c.step_done(out, "unzip"):
        with zipfile.ZipFile(os.path.join(dl, "audio.zip")) as z:
            for m in z.infolist():
                target = os.path.realpath(os.path.join(dl, m.filename))
                if not target.startswith(os.path.realpath(dl) + os.sep):
                    c.fail(f"audio.zip: unsafe path {m.filename}")
            z.extractall(dl)
        c.mark_done(out, "unzip")
    return dl


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=c.default_out("song-describer"))
    p.add_argument("--from-local", metavar="DIR", help="an already-downloaded copy: song_describer.csv and audio/ (or audio.zip)")
    p.add_argument("--mirror", metavar="URL", help="download from this base URL instead of Zenodo")
    p.add_argument("--valid-only", action="store_true", help="keep only captions of the validated subset (is_valid_subset)")
    p.add_argument("--split-by-track", action="store_true", help="assign train/valid/test by track instead of all 'test'")
    a = p.parse_args(argv)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    src = os.path.abspath(a.from_local) if a.from_local else fetch(out, a.mirror)
    csv_path = os.path.join(src, "song_describer.csv")
    if not os.path.exists(csv_path):
        c.fail(f"{csv_path} not found: --from-local needs the dataset's song_describer.csv")
    if not os.path.isdir(os.path.join(src, "audio")) and os.path.exists(os.path.join(src, "audio.zip")):
        with zipfile.ZipFile(os.path.join(src, "audio.zip")) as z:
            z.extractall(os.path.join(out, "downloads"))
        src_audio = os.path.join(out, "downloads", "audio")
    else:
        src_audio = os.path.join(src, "audio")

    records, missing = [], 0
    with open(csv_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if a.valid_only and str(row.get("is_valid_subset", "")).strip().lower() not in ("true", "1"):
                continue
            audio_src = os.path.join(src_audio, row["path"])
            if not os.path.exists(audio_src):
                missing += 1
                continue
            rel = os.path.join("audio", row["path"])
            c.link_or_copy(audio_src, os.path.join(out, rel))
            duration, rate = c.audio_facts(audio_src)
            genres = as_list(row.get("genre"))
            records.append({
                "id": f"sdd-{row['caption_id']}",
                "audio": rel.replace(os.sep, "/"),
                "caption": row["caption"].strip(),
                "split": c.split_for(row["track_id"]) if a.split_by_track else "test",
                "duration_s": duration,
                "sample_rate": rate,
                "source": "song-describer",
                "instruments": as_list(row.get("instrument")),
                "style": genres[0] if genres else None,
            })
    path = c.write_manifest(out, records)
    print(f"{len(records)} captions → {path}" + (f" ({missing} rows skipped: audio file not found)" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
