#!/usr/bin/python3
"""NSynth (Engel et al. 2017): 305k four-second notes of 1,006 instruments, 16 kHz mono 16-bit WAV.

Licence: CC BY 4.0. Source: https://magenta.tensorflow.org/datasets/nsynth — archives
nsynth-{train,valid,test}.jsonwav.tar.gz, each holding nsynth-<split>/examples.json and
nsynth-<split>/audio/<note_str>.wav. The train archive is ≈ 22 GB, so by default only valid
(≈ 12.7k notes) and test (≈ 4k) are fetched. Captions are written from the annotations, e.g.
"a bright acoustic guitar note, E4 (MIDI 64), velocity 100"; instruments = [instrument family].

    /usr/bin/python3 data-scripts/nsynth.py --out DIR [--splits valid,test] [--limit 500]
    /usr/bin/python3 data-scripts/nsynth.py --from-local NSYNTH_DIR --out DIR
"""
import argparse
import json
import os
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

BASE = "http://download.magenta.tensorflow.org/datasets/nsynth"
SHA256 = {}   # not published; recorded on first download and verified afterwards
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def note_name(midi):
    return f"{NAMES[midi % 12]}{midi // 12 - 1}"


def caption(e):
    qualities = [q.replace("_", " ") for q in e.get("qualities_str") or []]
    family = e["instrument_family_str"].replace("_", " ")
    words = ", ".join(qualities + [e["instrument_source_str"]])
    article = "an" if words[:1] in "aeiou" else "a"
    return f"{article} {words} {family} note, {note_name(e['pitch'])} (MIDI {e['pitch']}), velocity {e['velocity']}"


def extract(archive, into, split):
    """Extracts examples.json and audio/*.wav of one split, refusing any path outside the folder."""
    root = os.path.realpath(into)
    with tarfile.open(archive, "r:*") as t:
        members = []
        for m in t:
            target = os.path.realpath(os.path.join(into, m.name))
            if not target.startswith(root + os.sep) or not (m.isfile() or m.isdir()):
                continue
            if m.isdir() or m.name.endswith("examples.json") or m.name.endswith(".wav"):
                members.append(m)
        t.extractall(into, members=members)
    folder = os.path.join(into, f"nsynth-{split}")
    if not os.path.exists(os.path.join(folder, "examples.json")):
        c.fail(f"{archive}: no nsynth-{split}/examples.json inside")
    return folder


def split_folder(split, src, out, mirror):
    if src:
        folder = os.path.join(src, f"nsynth-{split}")
        if os.path.exists(os.path.join(folder, "examples.json")):
            return folder
        archive = os.path.join(src, f"nsynth-{split}.jsonwav.tar.gz")
        if not os.path.exists(archive):
            c.fail(f"neither {folder}/examples.json nor {archive} found in --from-local {src}")
    else:
        name = f"nsynth-{split}.jsonwav.tar.gz"
        archive = c.download(f"{mirror or BASE}/{name}", os.path.join(out, "downloads", name), SHA256.get(name))
    into = os.path.join(out, "downloads")
    if not c.step_done(out, f"extract-{split}"):
        extract(archive, into, split)
        c.mark_done(out, f"extract-{split}")
    return os.path.join(into, f"nsynth-{split}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=c.default_out("nsynth"))
    p.add_argument("--from-local", metavar="DIR", help="a copy holding nsynth-<split>/ folders or the .jsonwav.tar.gz archives")
    p.add_argument("--mirror", metavar="URL", help="download the archives from this base URL instead of Magenta's")
    p.add_argument("--splits", default="valid,test", help="comma-separated: train,valid,test (train is ≈ 22 GB)")
    p.add_argument("--limit", type=int, help="at most this many notes per split (the first by name)")
    p.add_argument("--families", help="comma-separated instrument families to keep (e.g. guitar,keyboard)")
    a = p.parse_args(argv)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    families = set(a.families.split(",")) if a.families else None
    records = []
    for split in a.splits.split(","):
        if split not in ("train", "valid", "test"):
            c.fail(f"unknown split '{split}' (train, valid, test)")
        folder = split_folder(split, os.path.abspath(a.from_local) if a.from_local else None, out, a.mirror)
        with open(os.path.join(folder, "examples.json"), encoding="utf-8") as f:
            examples = json.load(f)
        kept = 0
        for key in sorted(examples):
            e = examples[key]
            if families and e["instrument_family_str"] not in families:
                continue
            if a.limit is not None and kept >= a.limit:
                break
            wav = os.path.join(folder, "audio", f"{key}.wav")
            if not os.path.exists(wav):
                continue
            rel = f"audio/{split}/{key}.wav"
            c.link_or_copy(wav, os.path.join(out, rel))
            duration, rate = c.audio_facts(wav)
            records.append({
                "id": f"nsynth-{key}",
                "audio": rel,
                "caption": caption(e),
                "split": split,
                "duration_s": duration,
                "sample_rate": rate or e.get("sample_rate"),
                "source": "nsynth",
                "instruments": [e["instrument_family_str"]],
            })
            kept += 1
    path = c.write_manifest(out, records)
    print(f"{len(records)} notes → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
