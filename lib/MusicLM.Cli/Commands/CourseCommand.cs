using System.CommandLine;
using MusicLM.Generation;
using MusicLM.Torch;

namespace MusicLM.Cli.Commands;

/// <summary><c>musiclm course prepare</c>: the instructor's one command that trains every model of the course into the data folder (<see cref="CoursePreparation"/>).</summary>
public static class CourseCommand
{
    internal static Command Build(CliContext ctx)
    {
        var minutes = Options.Number("--minutes-per-stage", "M", "Wall-time budget of each model's training, in minutes (seven models; the coarse stage gets " + $"{CoursePreparation.CoarseShare:0.#}× as much, the one-stage model {CoursePreparation.OneStageShare:0.#}×). A larger budget than an earlier run's continues its models.", m => m > 0, "a positive number of minutes", 8);
        var data = Options.Text("--data", "DIR", "The data folder to prepare. [default: $MUSICLM_DATA, else ./.musiclm]");
        var quick = Options.Flag("--quick", "The notebooks' quick recipes (tiny stages, a few clips): to check the whole chain in a minute, not to listen to.");
        var fresh = Options.Flag("--fresh", "Train every model again, ignoring what an earlier run prepared.");
        var device = Options.Choice("--device", "Where MuLan, the semantic tokenizer and the stages train (the codec trains on the CPU).", "cpu", "cpu", "cuda");
        var prepare = new Command("prepare", "Train the codec, semantic tokenizer, MuLan, the semantic, coarse and fine stages and the one-stage model (MusicGen) in order into the data folder, as notebooks 02–07 and 09 do; resumable; prints a summary table.")
            .With(minutes, data, quick, fresh, device);
        prepare.SetAction(r => Prepare(TimeSpan.FromMinutes(r.GetValue(minutes) ?? 8), r.GetValue(data), r.GetValue(quick), r.GetValue(fresh),
                                       r.GetValue(device) == "cuda" ? Device.CUDA() : (Device?)null, ctx));
        CliHelp.SetExamples(prepare,
            "musiclm course prepare",
            "musiclm course prepare --minutes-per-stage 20 --data /srv/workshop/.musiclm",
            "musiclm course prepare --quick --data /tmp/check");
        var course = new Command("course", "The course's models: 'course prepare' trains them all for the notebooks and 'musiclm generate'.").With(prepare);
        CliHelp.SetExamples(course, "musiclm course prepare --minutes-per-stage 8");
        return course;
    }

    private static int Prepare(TimeSpan budget, string? data, bool quick, bool fresh, Device? device, CliContext ctx)
    {
        if (device is { IsCuda: true } && !torch.cuda.is_available()) throw new ArgumentException("--device cuda: no CUDA device is available here (musiclm info lists them)");
        var root = Path.GetFullPath(data ?? MusicLM.Audio.Dataset.DataFolder.Root);
        ctx.Out.WriteLine($"preparing the course in {root}: {CoursePreparation.Steps.Length} steps, up to {budget.TotalMinutes:0.#} min for each model " +
                           $"({budget.TotalMinutes * CoursePreparation.CoarseShare:0.#} for the coarse stage, {budget.TotalMinutes * CoursePreparation.OneStageShare:0.#} for the one-stage model; {CoursePreparation.TotalBudget(budget).TotalMinutes:0} min in all)" + (quick ? " (quick recipes)" : ""));
        IReadOnlyList<PreparedStep> steps;
        using (var bar = ctx.Progress("course prepare"))
        {
            var progress = new Relay(p => bar.Report((p.Index + p.Fraction) / p.Count, $"{p.Index + 1}/{p.Count} {p.Step}", p.Detail));
            var prep = new CoursePreparation(root, budget, quick ? PreparationRecipe.Quick : PreparationRecipe.Workshop, progress,
                line => bar.WriteLine(ctx.Out, line), device, fresh);
            steps = prep.Run();
        }
        ctx.Out.WriteLine();
        var rows = steps.Select(s => new[] { s.Step, s.Status, (s.Seconds >= 90 ? $"{s.Seconds / 60:0.0} min" : $"{s.Seconds:0} s"), s.Reached }).ToList();
        string[] header = ["step", "status", "time", "reached"];
        var widths = Enumerable.Range(0, 4).Select(c => rows.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        string Line(string[] r) => string.Join("  ", r.Select((v, c) => c == 3 ? v : v.PadRight(widths[c])));
        ctx.Out.WriteLine(Line(header));
        foreach (var r in rows) ctx.Out.WriteLine(Line(r));
        ctx.Out.WriteLine();
        ctx.Out.WriteLine($"ready: musiclm generate --prompt \"a calm piano piece in C major\" --out calm.wav" + (data is null ? "" : $" --checkpoints {root}"));
        ctx.Out.WriteLine($"       musiclm generate --model musicgen --prompt \"a calm piano piece in C major\" --out calm-musicgen.wav" + (data is null ? "" : $" --checkpoints {root}"));
        return 0;
    }

    private sealed class Relay(Action<PreparationProgress> report) : IProgress<PreparationProgress>
    {
        public void Report(PreparationProgress value) => report(value);
    }
}
