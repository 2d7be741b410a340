using System.Diagnostics;
using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Tests.Dataset;

public sealed class SyntheticDatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synth-ds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Sub(string name) => Path.Combine(_dir, name);

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void Writes_wavs_sidecars_and_a_manifest_with_every_field()
    {
        var summary = SyntheticDataset.Create(Sub("a"), 6, seed: 42, sampleRate: 16000, durationS: 2);
        Assert.Equal((6, 6, 0), (summary.Clips, summary.Generated, summary.Skipped));
        Assert.Equal(12, summary.TotalDurationS, 6);
        var entries = Manifest.Read(Path.Combine(Sub("a"), "manifest.jsonl"));
        Assert.Equal(6, entries.Count);
        Assert.Equal(6, entries.Select(e => e.Id).Distinct().Count());
        foreach (var e in entries)
        {
            Assert.True(File.Exists(Path.Combine(Sub("a"), e.Audio)));
            Assert.True(File.Exists(Path.Combine(Sub("a"), e.Notes!)));
            Assert.Equal("synthetic", e.Source);
            Assert.Equal(16000, e.SampleRate);
            Assert.Equal(2.0, e.DurationS);
            Assert.Contains(e.Split, new[] { "train", "valid", "test" });
            Assert.NotEmpty(e.Caption);
            Assert.NotEmpty(e.Instruments!);
            Assert.Contains(e.Key, new[] { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" });
            Assert.Contains(e.Mode, new[] { "major", "minor" });
            Assert.Contains(e.Meter, new[] { "4/4", "3/4" });
            Assert.InRange(e.TempoBpm!.Value, 60, 180);
            Assert.NotNull(e.Style);
            Assert.NotEmpty(e.Mood!);
            // The manifest's ground truth is the generator's: regenerate from the recorded seed.
            var again = SyntheticMusic.Compose(ClipSpec.Random(e.Seed!.Value, 16000, 2));
            Assert.Equal(again.Caption, e.Caption);
            Assert.Equal(again.Notes, NoteSidecar.Read(Path.Combine(Sub("a"), e.Notes!)));
        }
        var line = File.ReadLines(Path.Combine(Sub("a"), "manifest.jsonl")).First();
        foreach (var field in new[] { "id", "audio", "caption", "split", "duration_s", "sample_rate", "source", "instruments", "tempo_bpm", "key", "mode", "meter", "style", "mood", "seed", "notes" })
            Assert.Contains($"\"{field}\":", line);
    }

    [Fact]
    public void Wavs_are_read_correctly_by_an_independent_reader()
    {
        SyntheticDataset.Create(Sub("py"), 3, seed: 7, sampleRate: 24000, durationS: 1.5, stereo: true);
        var script = """
            import json, sys, wave, os
            root = sys.argv[1]
            for line in open(os.path.join(root, "manifest.jsonl")):
                e = json.loads(line)
                with wave.open(os.path.join(root, e["audio"])) as w:
                    frames = w.readframes(w.getnframes())
                    peak = max(abs(int.from_bytes(frames[i:i+2], "little", signed=True)) for i in range(0, len(frames), 2))
                    print(w.getnchannels(), w.getframerate(), w.getsampwidth(), w.getnframes(), peak)
            """;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(Sub("py"));
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd(), error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
        var lines = output.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        foreach (var l in lines)
        {
            var f = l.Split(' ').Select(int.Parse).ToArray();
            Assert.Equal(new[] { 2, 24000, 2, 36000 }, f[..4]);
            Assert.InRange(f[4], 3000, 32400);   // audible, and below 0 dBFS
        }
    }

    [Fact]
    public void Output_does_not_depend_on_the_number_of_threads()
    {
        SyntheticDataset.Create(Sub("t1"), 5, seed: 3, sampleRate: 16000, durationS: 1, threads: 1);
        SyntheticDataset.Create(Sub("t2"), 5, seed: 3, sampleRate: 16000, durationS: 1, threads: 2);
        var a = Files(Sub("t1"));
        var b = Files(Sub("t2"));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var k in a.Keys) Assert.True(a[k].AsSpan().SequenceEqual(b[k]), k);
        SyntheticDataset.Create(Sub("t3"), 5, seed: 4, sampleRate: 16000, durationS: 1);
        Assert.False(File.ReadAllBytes(Path.Combine(Sub("t3"), "clips/synth-000000.wav")).AsSpan().SequenceEqual(a["clips/synth-000000.wav"]));
    }

    [Fact]
    public void Rerunning_skips_valid_clips_and_repairs_damaged_or_foreign_ones()
    {
        var dir = Sub("r");
        SyntheticDataset.Create(dir, 4, seed: 11, sampleRate: 16000, durationS: 1);
        var before = Files(dir);
        var again = SyntheticDataset.Create(dir, 4, seed: 11, sampleRate: 16000, durationS: 1);
        Assert.Equal((0, 4), (again.Generated, again.Skipped));
        // A truncated WAV (an interrupted run) and a clip from another seed are both regenerated.
        var wav = Path.Combine(dir, "clips/synth-000001.wav");
        File.WriteAllBytes(wav, before["clips/synth-000001.wav"][..1000]);
        SyntheticDataset.Create(Sub("other"), 3, seed: 12, sampleRate: 16000, durationS: 1);
        File.Copy(Path.Combine(Sub("other"), "clips/synth-000002.notes.json"), Path.Combine(dir, "clips/synth-000002.notes.json"), overwrite: true);
        var repaired = SyntheticDataset.Create(dir, 4, seed: 11, sampleRate: 16000, durationS: 1);
        Assert.Equal((2, 2), (repaired.Generated, repaired.Skipped));
        var after = Files(dir);
        foreach (var k in before.Keys) Assert.True(before[k].AsSpan().SequenceEqual(after[k]), k);
        // A different sample rate invalidates everything.
        Assert.Equal(4, SyntheticDataset.Create(dir, 4, seed: 11, sampleRate: 8000, durationS: 1).Generated);
    }

    [Fact]
    public void Splits_are_about_80_10_10_and_stable_as_the_dataset_grows()
    {
        var splits = Enumerable.Range(0, 10000).Select(i => SyntheticDataset.SplitOf(5, i)).ToList();
        Assert.InRange(splits.Count(s => s == "train"), 7800, 8200);
        Assert.InRange(splits.Count(s => s == "valid"), 850, 1150);
        Assert.InRange(splits.Count(s => s == "test"), 850, 1150);
        Assert.Equal(splits.Take(100), Enumerable.Range(0, 100).Select(i => SyntheticDataset.SplitOf(5, i)));
        Assert.NotEqual(splits.Take(100), Enumerable.Range(0, 100).Select(i => SyntheticDataset.SplitOf(6, i)));
    }

    [Fact]
    public void Manifest_round_trips_and_omits_absent_synthetic_fields()
    {
        var path = Sub("m/manifest.jsonl");
        var real = new ManifestEntry { Id = "mc-1", Audio = "audio/mc-1.wav", Caption = "A calm piano — with ümlauts", Split = "test", DurationS = 10, SampleRate = 16000, Source = "musiccaps" };
        var synth = real with { Id = "s-1", Source = "synthetic", Instruments = ["piano", "bass"], TempoBpm = 96, Key = "F#", Mode = "minor", Meter = "3/4", Style = "waltz", Mood = ["wistful"], Seed = -5, Notes = "clips/s-1.notes.json" };
        Manifest.Write(path, [real, synth]);
        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("\"key\"", lines[0]);
        Assert.Contains("ümlauts", lines[0]);
        var back = Manifest.Read(path);
        Assert.Equal(real, back[0]);
        Assert.Equal(synth with { Instruments = null, Mood = null }, back[1] with { Instruments = null, Mood = null });
        Assert.Equal(synth.Instruments, back[1].Instruments);
        Assert.Equal(synth.Mood, back[1].Mood);
        Assert.Empty(Directory.GetFiles(Sub("m"), "*.tmp"));
        File.AppendAllText(path, "{not json\n");
        Assert.Contains(":3", Assert.Throws<InvalidDataException>(() => Manifest.Read(path)).Message);
    }
}
