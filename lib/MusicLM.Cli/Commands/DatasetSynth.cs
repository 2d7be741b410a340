using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MusicLM.Audio.Dataset;

namespace MusicLM.Cli.Commands;

/// <summary><c>musiclm dataset synth</c>: writes the synthetic captioned music dataset (DESIGN D7).</summary>
public static class DatasetSynth
{
    /// <summary>Runs the command on its own arguments (after "dataset synth"); 0 on success, 2 on bad arguments, 1 if writing failed.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Cli.Run(["dataset", "synth", .. args], stdout, stderr);

    internal static Command Build(CliContext ctx)
    {
        var outDir = Options.Text("--out", "DIR", "Output folder (clips/ and manifest.jsonl); re-running skips clips already there.");
        var count = Options.Int("--count", "N", "Number of clips (1 or more).", min: 1);
        var seed = Options.Int("--seed", "S", "Dataset seed (an integer): the same seed and options give identical files.");
        var rate = Options.Int("--sample-rate", "R", "Samples per second, 8000 or more (16000 and 24000 are the course's rates).", min: 8000);
        var duration = Options.Number("--duration", "SECONDS", "Clip length in seconds, at most 600.", d => d > 0 && d <= 600, "a number of seconds in (0, 600]", @default: 10);
        var stereo = Options.Flag("--stereo", "Two channels with panned parts (default mono).");
        var threads = Options.Int("--threads", "T", "Worker threads (the output does not depend on it). [default: all cores]", min: 1);
        var synth = new Command("synth", "Write the synthetic captioned music dataset: clips/*.wav, *.notes.json sidecars and manifest.jsonl.")
            .With(outDir, count, seed, rate, duration, stereo, threads);
        Options.Require(synth, outDir, count, seed, rate);
        synth.SetAction(r => Synthesize(r.GetValue(outDir)!, r.GetValue(count)!.Value, r.GetValue(seed)!.Value, r.GetValue(rate)!.Value,
                                        r.GetValue(duration)!.Value, r.GetValue(stereo), r.GetValue(threads) ?? 0, ctx));
        CliHelp.SetExamples(synth,
            "musiclm dataset synth --out /tmp/synth --count 100 --seed 1 --sample-rate 16000",
            "musiclm dataset synth --out /tmp/synth24 --count 20 --seed 2 --sample-rate 24000 --duration 5 --stereo");
        return synth;
    }

    private static int Synthesize(string outDir, int count, int seed, int rate, double duration, bool stereo, int threads, CliContext ctx)
    {
        var stdout = ctx.Out;
        stdout.WriteLine($"synthesizing {count} clip(s) of {duration.ToString("0.###", CultureInfo.InvariantCulture)} s at {rate} Hz {(stereo ? "stereo" : "mono")}, seed {seed} → {outDir}");
        int step = Math.Max(1, count / 20), lastShown = 0;
        var sw = Stopwatch.StartNew();
        var gate = new object();
        DatasetSummary summary;
        using (var bar = ctx.Progress("dataset synth"))
        {
            var progress = new SyncProgress(n =>
            {
                lock (gate)
                {
                    // On a terminal the redrawn line replaces the occasional plain lines.
                    if (bar.Drawing) { bar.Report(n, count, "clips"); return; }
                    if (n - lastShown < step && n != count) return;
                    lastShown = n;
                    stdout.WriteLine($"  {n}/{count} clips  {sw.Elapsed.TotalSeconds:F1} s");
                }
            });
            summary = SyntheticDataset.Create(outDir, count, seed, rate, duration, stereo, progress, threads);
        }
        double secs = summary.Elapsed.TotalSeconds;
        stdout.WriteLine($"done: {summary.Clips} clips ({summary.Generated} generated, {summary.Skipped} already present), "
            + $"{summary.TotalDurationS / 60:F1} min of audio, {secs:F1} s, "
            + $"{summary.RealTimeFactor(duration).ToString("F0", CultureInfo.InvariantCulture)}× real time");
        stdout.WriteLine($"manifest: {summary.ManifestPath}");
        return 0;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, and lines would arrive after the summary).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
