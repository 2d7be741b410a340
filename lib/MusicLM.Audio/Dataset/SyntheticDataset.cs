using System.Buffers.Binary;
using System.Diagnostics;
using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Dataset;

/// <summary>
/// Writes the synthetic captioned dataset: <c>clips/&lt;id&gt;.wav</c> (16-bit PCM), <c>clips/&lt;id&gt;.notes.json</c>
/// and <c>manifest.jsonl</c>. Clip i is drawn from seed <c>Rng.Derive(seed, i)</c>, so the result does not depend
/// on the number of threads, and a re-run skips clips whose files are already present and valid.
/// </summary>
public static class SyntheticDataset
{
    public const string ManifestFile = "manifest.jsonl";

    public static string IdOf(int index) => $"synth-{index:D6}";

    /// <summary>The clip seed of dataset clip <paramref name="index"/>.</summary>
    public static long ClipSeed(int seed, int index) => Rng.Derive(seed, index);

    /// <summary>80 / 10 / 10 train / valid / test, from a hash of (seed, index): stable when the dataset grows.</summary>
    public static string SplitOf(int seed, int index)
    {
        double u = new Rng(Rng.Derive(seed ^ 0x5B117, index)).NextDouble();
        return u < 0.8 ? "train" : u < 0.9 ? "valid" : "test";
    }

    public static DatasetSummary Create(string outDir, int count, int seed, int sampleRate, double durationS = 10, bool stereo = false,
        IProgress<int>? progress = null, int threads = 0)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one clip");
        if (sampleRate < 8000) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "at least 8000 Hz");
        if (!(durationS > 0) || durationS > 600) throw new ArgumentOutOfRangeException(nameof(durationS), durationS, "between 0 and 600 s");
        var sw = Stopwatch.StartNew();
        var clipDir = Path.Combine(outDir, "clips");
        Directory.CreateDirectory(clipDir);
        var entries = new ManifestEntry[count];
        int done = 0, generated = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0, count, options, i =>
        {
            string id = IdOf(i);
            var spec = ClipSpec.Random(ClipSeed(seed, i), sampleRate, durationS, stereo);
            var score = SyntheticMusic.Compose(spec);
            string wav = Path.Combine(clipDir, id + ".wav"), notes = Path.Combine(clipDir, id + ".notes.json");
            int frames = (int)Math.Round(durationS * sampleRate);
            // The sidecar is written last: it marks the clip complete, and names the seed it was made from.
            if (!IsValidWav(wav, sampleRate, stereo ? 2 : 1, frames) || !NoteSidecar.Matches(notes, spec.Seed, sampleRate))
            {
                WavFile.Write(wav, SyntheticMusic.Render(score), WavEncoding.Pcm16);
                NoteSidecar.Write(notes, id, spec.Seed, sampleRate, spec.TempoBpm, score.Notes);
                Interlocked.Increment(ref generated);
            }
            var a = score.Attributes;
            entries[i] = new ManifestEntry
            {
                Id = id, Audio = $"clips/{id}.wav", Caption = score.Caption, Split = SplitOf(seed, i),
                DurationS = (double)frames / sampleRate, SampleRate = sampleRate, Source = "synthetic",
                Instruments = a.Instruments, TempoBpm = a.TempoBpm, Key = a.Key, Mode = a.Mode, Meter = a.Meter,
                Style = a.Style, Mood = a.Mood, Seed = spec.Seed, Notes = $"clips/{id}.notes.json",
            };
            progress?.Report(Interlocked.Increment(ref done));
        });
        var manifest = Path.Combine(outDir, ManifestFile);
        Manifest.Write(manifest, entries);
        return new DatasetSummary(count, generated, count - generated, entries.Sum(e => e.DurationS), sw.Elapsed, manifest);
    }

    /// <summary>A complete 16-bit PCM WAV with the expected format and length (the header alone would pass a truncated file).</summary>
    public static bool IsValidWav(string path, int sampleRate, int channels, int frames)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length != 44 + (long)frames * channels * 2) return false;
            var h = new byte[44];
            using (var f = File.OpenRead(path)) f.ReadExactly(h);
            return h.AsSpan(0, 4).SequenceEqual("RIFF"u8) && h.AsSpan(8, 4).SequenceEqual("WAVE"u8)
                && BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(20)) == 1
                && BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(22)) == channels
                && BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(24)) == sampleRate
                && BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(34)) == 16
                && BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(40)) == (uint)((long)frames * channels * 2);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
