"""Tests for the data-scripts, against small local fixtures in each dataset's real layout. No network:
downloads are exercised against an HTTP server on the loopback interface.

    /usr/bin/python3 -m unittest discover -s data-scripts/tests -v
"""
import csv
import functools
import http.server
import io
import json
import math
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import unittest
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
sys.path.insert(0, SCRIPTS)
import _common  # noqa: E402


def write_wav(path, seconds, rate=16000, freq=440.0, channels=1):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    n = int(seconds * rate)
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate))) * channels for i in range(n))
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def write(path, data, mode="w"):
    with open(path, mode) as f:
        f.write(data)


def run(script, *args):
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, script), *args], capture_output=True, text=True, timeout=120)


def manifest(out):
    with open(os.path.join(out, "manifest.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class Fixture(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def check_common(self, rows, out, source):
        for r in rows:
            for field in ("id", "audio", "caption", "split", "duration_s", "sample_rate", "source"):
                self.assertIn(field, r)
            self.assertEqual(source, r["source"])
            self.assertIn(r["split"], ("train", "valid", "test"))
            self.assertTrue(os.path.exists(os.path.join(out, r["audio"])), r["audio"])
            self.assertFalse(os.path.isabs(r["audio"]))
        self.assertEqual(len(rows), len({r["id"] for r in rows}))


class SongDescriberTests(Fixture):
    def make(self):
        src = os.path.join(self.tmp, "sdd")
        os.makedirs(os.path.join(src, "audio", "00"))
        write_wav(os.path.join(self.tmp, "a.wav"), 1.5, rate=44100)
        write_wav(os.path.join(self.tmp, "b.wav"), 0.5, rate=44100, freq=220)
        for wav, mp3 in (("a.wav", "00/1000.2min.mp3"), ("b.wav", "00/2000.2min.mp3")):
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", os.path.join(self.tmp, wav), os.path.join(src, "audio", mp3)], check=True)
        with open(os.path.join(src, "song_describer.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["caption_id", "track_id", "caption", "is_valid_subset", "familiarity", "artist_id", "album_id", "path", "duration"])
            w.writerow([1, 1000, "A calm piano piece with soft strings.", "True", 2, 11, 21, "00/1000.2min.mp3", 231.5])
            w.writerow([2, 1000, "Gentle, slow, melancholic.", "False", 0, 11, 21, "00/1000.2min.mp3", 231.5])
            w.writerow([3, 2000, "Upbeat electronic track, “four on the floor”.", "True", 1, 12, 22, "00/2000.2min.mp3", 180.0])
            w.writerow([4, 3000, "A track whose audio is missing.", "True", 1, 13, 23, "00/3000.2min.mp3", 100.0])
        return src

    def test_manifest_has_one_line_per_caption_with_audio_facts(self):
        src, out = self.make(), os.path.join(self.tmp, "out")
        r = run("song_describer.py", "--from-local", src, "--out", out)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("1 rows skipped", r.stdout)
        rows = manifest(out)
        self.check_common(rows, out, "song-describer")
        self.assertEqual(["sdd-1", "sdd-2", "sdd-3"], [x["id"] for x in rows])
        self.assertEqual({"test"}, {x["split"] for x in rows})   # SDD is an evaluation set
        self.assertEqual("audio/00/1000.2min.mp3", rows[0]["audio"])
        self.assertEqual(44100, rows[0]["sample_rate"])
        self.assertAlmostEqual(1.5, rows[0]["duration_s"], delta=0.08)   # mp3 framing adds a little
        self.assertAlmostEqual(0.5, rows[2]["duration_s"], delta=0.08)
        self.assertEqual("Upbeat electronic track, “four on the floor”.", rows[2]["caption"])

    def test_valid_only_and_split_by_track(self):
        src, out = self.make(), os.path.join(self.tmp, "out")
        r = run("song_describer.py", "--from-local", src, "--out", out, "--valid-only", "--split-by-track")
        self.assertEqual(0, r.returncode, r.stderr)
        rows = manifest(out)
        self.assertEqual(["sdd-1", "sdd-3"], [x["id"] for x in rows])
        self.assertEqual(_common.split_for("1000"), rows[0]["split"])


class MusicCapsTests(Fixture):
    def make(self):
        csv_dir, yt = os.path.join(self.tmp, "csv"), os.path.join(self.tmp, "yt")
        os.makedirs(csv_dir)
        write_wav(os.path.join(yt, "abcDEF12345.wav"), 6.0, rate=22050)              # a whole "video": cut 2–4.5 s
        write_wav(os.path.join(yt, "xyz_-987654.wav"), 2.0, rate=48000, channels=2)  # already the clip
        with open(os.path.join(csv_dir, "musiccaps-public.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["ytid", "start_s", "end_s", "audioset_positive_labels", "aspect_list", "caption", "author_id", "is_balanced_subset", "is_audioset_eval"])
            w.writerow(["abcDEF12345", 2, 4.5, "/m/04rlf", "['piano', 'calm']", "A calm solo piano.", 4, "False", "True"])
            w.writerow(["xyz_-987654", 30, 32, "/m/0342h", "['guitar']", "An acoustic guitar strums.", 6, "True", "False"])
            w.writerow(["gone0000000", 0, 10, "/m/04rlf", "[]", "Removed from YouTube.", 1, "False", "False"])
        return csv_dir, yt

    def test_matches_ytids_crops_to_start_and_end_and_lists_missing(self):
        csv_dir, yt = self.make()
        out = os.path.join(self.tmp, "out")
        r = run("musiccaps.py", "--from-local", csv_dir, "--audio", yt, "--out", out)
        self.assertEqual(0, r.returncode, r.stderr)
        rows = manifest(out)
        self.check_common(rows, out, "musiccaps")
        by_id = {x["id"]: x for x in rows}
        self.assertEqual({"abcDEF12345", "xyz_-987654"}, set(by_id))
        cut = by_id["abcDEF12345"]
        self.assertEqual(("test", 22050), (cut["split"], cut["sample_rate"]))
        self.assertAlmostEqual(2.5, cut["duration_s"], delta=0.01)
        whole = by_id["xyz_-987654"]
        self.assertAlmostEqual(2.0, whole["duration_s"], delta=0.01)
        self.assertIn(whole["split"], ("train", "valid"))
        self.assertEqual("gone0000000\n", read(os.path.join(out, "missing.txt")))
        # the cut starts 2 s in: a 440 Hz tone written from t=0 has phase 2·440 = 880 whole cycles there → starts near 0
        with wave.open(os.path.join(out, cut["audio"])) as w:
            first = struct.unpack("<h", w.readframes(1))[0]
        self.assertLess(abs(first), 1500)

    def test_sample_rate_option_resamples(self):
        csv_dir, yt = self.make()
        out = os.path.join(self.tmp, "out")
        r = run("musiccaps.py", "--from-local", csv_dir, "--audio", yt, "--out", out, "--sample-rate", "16000")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual({16000}, {x["sample_rate"] for x in manifest(out)})


def nsynth_examples():
    ex = {}
    for i, (family, source, pitch, q) in enumerate([("guitar", "acoustic", 64, ["bright"]), ("bass", "synthetic", 22, []),
                                                    ("organ", "electronic", 60, ["dark", "long_release"])]):
        key = f"{family}_{source}_{i:03d}-{pitch:03d}-100"
        ex[key] = {"note": i, "note_str": key, "instrument": i, "instrument_str": f"{family}_{source}_{i:03d}", "pitch": pitch,
                   "velocity": 100, "sample_rate": 16000, "qualities": [1 if j == 0 else 0 for j in range(10)], "qualities_str": q,
                   "instrument_family": i, "instrument_family_str": family, "instrument_source": 0, "instrument_source_str": source}
    return ex


def make_nsynth_archive(path, split="valid"):
    with tempfile.TemporaryDirectory() as d:
        root = os.path.join(d, f"nsynth-{split}")
        ex = nsynth_examples()
        for key in ex:
            write_wav(os.path.join(root, "audio", key + ".wav"), 0.25)
        os.makedirs(root, exist_ok=True)
        write(os.path.join(root, "examples.json"), json.dumps(ex))
        with tarfile.open(path, "w:gz") as t:
            t.add(root, arcname=f"nsynth-{split}")


class NSynthTests(Fixture):
    def test_archive_in_from_local_gives_captions_and_instruments(self):
        src = os.path.join(self.tmp, "nsynth")
        os.makedirs(src)
        make_nsynth_archive(os.path.join(src, "nsynth-valid.jsonwav.tar.gz"))
        out = os.path.join(self.tmp, "out")
        r = run("nsynth.py", "--from-local", src, "--out", out, "--splits", "valid")
        self.assertEqual(0, r.returncode, r.stderr)
        rows = manifest(out)
        self.check_common(rows, out, "nsynth")
        self.assertEqual(3, len(rows))
        guitar = next(x for x in rows if x["instruments"] == ["guitar"])
        self.assertEqual("a bright, acoustic guitar note, E4 (MIDI 64), velocity 100", guitar["caption"])
        self.assertEqual(("valid", 16000, 0.25), (guitar["split"], guitar["sample_rate"], guitar["duration_s"]))
        self.assertEqual("audio/valid/guitar_acoustic_000-064-100.wav", guitar["audio"])
        organ = next(x for x in rows if x["instruments"] == ["organ"])
        self.assertIn("C4 (MIDI 60)", organ["caption"])

    def test_extracted_folders_limit_and_families(self):
        src = os.path.join(self.tmp, "nsynth")
        os.makedirs(src)
        make_nsynth_archive(os.path.join(self.tmp, "a.tar.gz"))
        with tarfile.open(os.path.join(self.tmp, "a.tar.gz")) as t:
            t.extractall(src)
        out = os.path.join(self.tmp, "out")
        r = run("nsynth.py", "--from-local", src, "--out", out, "--splits", "valid", "--families", "bass,organ", "--limit", "1")
        self.assertEqual(0, r.returncode, r.stderr)
        rows = manifest(out)
        self.assertEqual([["bass"]], [x["instruments"] for x in rows])

    def test_missing_split_is_a_clear_error(self):
        r = run("nsynth.py", "--from-local", self.tmp, "--out", os.path.join(self.tmp, "o"), "--splits", "test")
        self.assertNotEqual(0, r.returncode)
        self.assertIn("nsynth-test", r.stderr)


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files with HTTP Range support (206), recording the Range headers it saw."""
    ranges = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path.split("?")[0])
        if not os.path.isfile(path):
            self.send_error(404)
            return
        data = read(path, "rb")
        rng = self.headers.get("Range")
        RangeHandler.ranges.append(rng)
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            data = data[start:]
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class DownloadTests(Fixture):
    def serve(self, folder):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(RangeHandler, directory=folder))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        RangeHandler.ranges = []
        return f"http://127.0.0.1:{server.server_address[1]}"

    def test_nsynth_download_from_a_mirror_then_a_rerun_skips_completed_steps(self):
        mirror = os.path.join(self.tmp, "mirror")
        os.makedirs(mirror)
        make_nsynth_archive(os.path.join(mirror, "nsynth-valid.jsonwav.tar.gz"))
        url, out = self.serve(mirror), os.path.join(self.tmp, "out")
        r = run("nsynth.py", "--mirror", url, "--out", out, "--splits", "valid")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(3, len(manifest(out)))
        ledger = json.loads(read(os.path.join(out, "downloads", "checksums.json")))
        self.assertEqual(_common.sha256_of(os.path.join(mirror, "nsynth-valid.jsonwav.tar.gz")), ledger["nsynth-valid.jsonwav.tar.gz"])
        r = run("nsynth.py", "--mirror", url, "--out", out, "--splits", "valid")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("already downloaded", r.stdout)
        self.assertEqual(1, len(RangeHandler.ranges))   # nothing fetched the second time

    def test_an_interrupted_download_resumes_with_a_range_request(self):
        mirror = os.path.join(self.tmp, "mirror")
        os.makedirs(mirror)
        payload = os.urandom(300_000)
        write(os.path.join(mirror, "big.bin"), payload, "wb")
        url = self.serve(mirror)
        dest = os.path.join(self.tmp, "dl", "big.bin")
        os.makedirs(os.path.dirname(dest))
        write(dest + ".part", payload[:123_456], "wb")   # what an interrupted run left
        _common.download(f"{url}/big.bin", dest, log=lambda *_: None)
        self.assertEqual(["bytes=123456-"], RangeHandler.ranges)
        self.assertEqual(payload, read(dest, "rb"))
        self.assertFalse(os.path.exists(dest + ".part"))

    def test_a_corrupted_file_fails_its_recorded_checksum_and_is_fetched_again(self):
        mirror = os.path.join(self.tmp, "mirror")
        os.makedirs(mirror)
        write(os.path.join(mirror, "f.bin"), b"x" * 1000, "wb")
        url, dest = self.serve(mirror), os.path.join(self.tmp, "dl", "f.bin")
        _common.download(f"{url}/f.bin", dest, log=lambda *_: None)
        write(dest, b"y" * 1000, "wb")
        _common.download(f"{url}/f.bin", dest, log=lambda *_: None)
        self.assertEqual(b"x" * 1000, read(dest, "rb"))

    def test_a_wrong_known_checksum_exits_3_and_removes_the_partial_file(self):
        mirror = os.path.join(self.tmp, "mirror")
        os.makedirs(mirror)
        write(os.path.join(mirror, "f.bin"), b"abc", "wb")
        url, dest = self.serve(mirror), os.path.join(self.tmp, "dl", "f.bin")
        with self.assertRaises(SystemExit) as e:
            _common.download(f"{url}/f.bin", dest, sha256="0" * 64, log=lambda *_: None)
        self.assertEqual(3, e.exception.code)
        self.assertFalse(os.path.exists(dest) or os.path.exists(dest + ".part"))

    def test_offline_is_a_clear_message_and_exit_2(self):
        # a closed port on the loopback interface: the connection is refused, as when offline
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        for script, extra in (("nsynth.py", []), ("song_describer.py", []), ("musiccaps.py", ["--audio", self.tmp])):
            r = run(script, "--mirror", f"http://127.0.0.1:{port}", "--out", os.path.join(self.tmp, "o-" + script), *extra)
            self.assertEqual(2, r.returncode, script + r.stderr)
            self.assertIn("cannot reach 127.0.0.1: are you offline?", r.stderr)
            self.assertIn("--from-local", r.stderr)


if __name__ == "__main__":
    unittest.main()
