using MusicLM.Audio.Analysis;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm analysis eval --manifest FILE [--split test]</c>: runs the tempo and key estimators on a
/// manifest's clips and prints their accuracy against the ground truth (the course's prompt-adherence metric).
/// </summary>
public static class AnalysisEval
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? manifest = null;
        string split = "test";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--manifest" when i + 1 < args.Length: manifest = args[++i]; break;
                case "--split" when i + 1 < args.Length: split = args[++i]; break;
                default:
                    stderr.WriteLine($"musiclm analysis eval: unexpected argument '{args[i]}' (usage: musiclm analysis eval --manifest FILE [--split test])");
                    return 2;
            }
        }
        if (manifest is null)
        {
            stderr.WriteLine("musiclm analysis eval: --manifest FILE is required");
            return 2;
        }
        if (!File.Exists(manifest))
        {
            stderr.WriteLine($"musiclm analysis eval: {manifest}: no such file");
            return 1;
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var report = AnalysisEvaluation.RunOnManifest(manifest, split);
        stdout.WriteLine(report.Summary());
        // The speed figure (tempo + key of a clip, reading it included); the estimators aim at well under a second per 10 s.
        stdout.WriteLine($"({report.Count} clips of split '{split}' in {sw.Elapsed.TotalSeconds:F1} s, {sw.Elapsed.TotalMilliseconds / Math.Max(1, report.Count):F0} ms per clip)");
        return 0;
    }
}
