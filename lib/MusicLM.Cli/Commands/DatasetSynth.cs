using System.Diagnostics;
using System.Globalization;
using MusicLM.Audio.Dataset;

namespace MusicLM.Cli.Commands;

/// <summary><c>musiclm dataset synth</c>: writes the synthetic captioned music dataset (DESIGN D7).</summary>
public static class DatasetSynth
{
    public const string Usage = """
        usage: musiclm dataset synth --out DIR --count N --seed S --sample-rate R [--duration SECONDS] [--stereo] [--threads T]

          --out DIR          output folder (clips/ and manifest.jsonl); re-running skips clips already there
          --count N          number of clips (1 or more)
          --seed S           dataset seed (an integer); same seed and options → identical files
          --sample-rate R    samples per second, 8000 or more (16000 and 24000 are the course's rates)
          --duration SECONDS clip length, default 10
          --stereo           two channels with panned parts (default mono)
          --threads T        worker threads, default all cores (the output does not depend on it)
        """;

    /// <summary>Runs the command on its own arguments (after "dataset synth"); 0 on success, 2 on bad arguments.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? outDir = null;
        int? count = null, seed = null, rate = null;
        double duration = 10;
        bool stereo = false;
        int threads = 0;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                    ? args[++i] : throw new ArgumentException($"{a} needs a value");
                switch (a)
                {
                    case "--out": outDir = Value(); break;
                    case "--count": count = Int(a, Value(), 1); break;
                    case "--seed": seed = Int(a, Value(), int.MinValue); break;
                    case "--sample-rate": rate = Int(a, Value(), 8000); break;
                    case "--duration":
                        var d = Value();
                        if (!double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out duration) || !(duration > 0) || duration > 600)
                            throw new ArgumentException($"--duration must be a number of seconds in (0, 600], got '{d}'");
                        break;
                    case "--stereo": stereo = true; break;
                    case "--threads": threads = Int(a, Value(), 1); break;
                    case "-h" or "--help": stdout.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"unknown option '{a}'");
                }
            }
            if (outDir is null) throw new ArgumentException("--out is required");
            if (count is null) throw new ArgumentException("--count is required");
            if (seed is null) throw new ArgumentException("--seed is required");
            if (rate is null) throw new ArgumentException("--sample-rate is required");
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"musiclm dataset synth: {e.Message}");
            stderr.WriteLine(Usage);
            return 2;
        }

        stdout.WriteLine($"synthesizing {count} clip(s) of {duration.ToString("0.###", CultureInfo.InvariantCulture)} s at {rate} Hz {(stereo ? "stereo" : "mono")}, seed {seed} → {outDir}");
        int step = Math.Max(1, count.Value / 20), lastShown = 0;
        var sw = Stopwatch.StartNew();
        var gate = new object();
        var progress = new SyncProgress(n =>
        {
            lock (gate)
            {
                if (n - lastShown < step && n != count) return;
                lastShown = n;
                stdout.WriteLine($"  {n}/{count} clips  {sw.Elapsed.TotalSeconds:F1} s");
            }
        });
        DatasetSummary summary;
        try
        {
            summary = SyntheticDataset.Create(outDir, count.Value, seed.Value, rate.Value, duration, stereo, progress, threads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"musiclm dataset synth: {e.Message}");
            return 1;
        }
        double secs = summary.Elapsed.TotalSeconds;
        stdout.WriteLine($"done: {summary.Clips} clips ({summary.Generated} generated, {summary.Skipped} already present), "
            + $"{summary.TotalDurationS / 60:F1} min of audio, {secs:F1} s, "
            + $"{summary.RealTimeFactor(duration).ToString("F0", CultureInfo.InvariantCulture)}× real time");
        stdout.WriteLine($"manifest: {summary.ManifestPath}");
        return 0;
    }

    private static int Int(string name, string s, int min)
    {
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min)
            throw new ArgumentException(min == int.MinValue ? $"{name} must be an integer, got '{s}'" : $"{name} must be an integer of at least {min}, got '{s}'");
        return v;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, and lines would arrive after the summary).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
