using System.CommandLine;
using System.Diagnostics;
using MusicLM.Audio;
using MusicLM.Audio.Analysis;
using MusicLM.Audio.Dataset;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm analysis eval --manifest FILE [--split test]</c>: runs the tempo and key estimators on a
/// manifest's clips and prints their accuracy against the ground truth (the course's prompt-adherence metric).
/// </summary>
public static class AnalysisEval
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Cli.Run(["analysis", "eval", .. args], stdout, stderr);

    internal static Command Build(CliContext ctx)
    {
        var manifest = Options.Text("--manifest", "FILE", "A dataset manifest (manifest.jsonl) with tempo_bpm, key and mode for each clip.");
        var split = new Option<string>("--split") { HelpName = "NAME", Description = "Which split's clips to evaluate (train, valid, test).", DefaultValueFactory = _ => "test" };
        var eval = new Command("eval", "Tempo and key estimation accuracy against a manifest's ground truth, and the time per clip.").With(manifest, split);
        Options.Require(eval, manifest);
        eval.SetAction(r => Evaluate(r.GetValue(manifest)!, r.GetValue(split)!, ctx));
        CliHelp.SetExamples(eval, "musiclm analysis eval --manifest /tmp/synth/manifest.jsonl --split test");
        return eval;
    }

    private static int Evaluate(string manifest, string split, CliContext ctx)
    {
        if (!File.Exists(manifest)) throw new FileNotFoundException($"{manifest}: no such file", manifest);
        var dir = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        var entries = Manifest.Read(manifest).Where(e => e.Split == split).ToList();
        var sw = Stopwatch.StartNew();
        AnalysisReport report;
        using (var progress = ctx.Progress("analysis eval"))
        {
            // Run pulls the items one at a time, so reading each clip is where the progress advances.
            IEnumerable<AnalysisItem> Items()
            {
                for (var i = 0; i < entries.Count; i++)
                {
                    var e = entries[i];
                    if (e.TempoBpm is not { } bpm || e.Key is not { } key || e.Mode is not { } mode)
                        throw new FormatException($"manifest entry {e.Id} has no tempo_bpm, key or mode");
                    progress.Report(i, entries.Count, "clips", e.Id);
                    yield return new AnalysisItem(e.Audio, WavFile.Read(Path.Combine(dir, e.Audio)), bpm, key,
                                                  mode.Trim().Equals("minor", StringComparison.OrdinalIgnoreCase) ? KeyMode.Minor : KeyMode.Major);
                }
                progress.Report(entries.Count, entries.Count, "clips");
            }
            report = AnalysisEvaluation.Run(Items());
        }
        ctx.Out.WriteLine(report.Summary());
        // The speed figure (tempo + key of a clip, reading it included); the estimators aim at well under a second per 10 s.
        ctx.Out.WriteLine($"({report.Count} clips of split '{split}' in {sw.Elapsed.TotalSeconds:F1} s, {sw.Elapsed.TotalMilliseconds / Math.Max(1, report.Count):F0} ms per clip)");
        return 0;
    }
}
