using System.CommandLine;
using System.Diagnostics;
using MusicLM.Audio.Analysis;

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
        var sw = Stopwatch.StartNew();
        AnalysisReport report;
        using (var progress = ctx.Progress("analysis eval"))
            report = AnalysisEvaluation.RunOnManifest(manifest, split, (done, total, clip) => progress.Report(done, total, "clips", clip));
        ctx.Out.WriteLine(report.Summary());
        // The speed figure (tempo + key of a clip, reading it included); the estimators aim at well under a second per 10 s.
        ctx.Out.WriteLine($"({report.Count} clips of split '{split}' in {sw.Elapsed.TotalSeconds:F1} s, {sw.Elapsed.TotalMilliseconds / Math.Max(1, report.Count):F0} ms per clip)");
        return 0;
    }
}
