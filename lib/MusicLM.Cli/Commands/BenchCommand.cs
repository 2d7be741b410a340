using System.CommandLine;
using MusicLM.Cli.Bench;

namespace MusicLM.Cli.Commands;

/// <summary><c>musiclm bench engine | codec</c>: the engine and codec speed benchmarks, optionally beside their PyTorch twins.</summary>
public static class BenchCommand
{
    internal static Command Build(CliContext ctx)
    {
        var bench = new Command("bench", "Speed benchmarks of the engine, the codec and the stages (one line of figures each).")
            .With(Engine(ctx), Codec(ctx), Stages(ctx));
        CliHelp.SetExamples(bench, "musiclm bench engine B0", "musiclm bench codec --pytorch lib/MusicLM.Cli/Bench/codec_twin.py", "musiclm bench stages coarse");
        return bench;
    }

    private static Option<string?> Twin(string what) =>
        Options.Text("--pytorch", "PATH", $"Also run {what} PyTorch twin script (with /usr/bin/python3) and print time ratios, ours / PyTorch's.");

    private static Command Engine(CliContext ctx)
    {
        var workloads = new Argument<string[]>("WORKLOAD")
        {
            Description = "B0 (small-op overhead), B1 (SEANet train step), B2 (transformer train step), B3 (KV-cache greedy decoding), or all.",
            Arity = ArgumentArity.ZeroOrMore,
            HelpName = "B0|B1|B2|B3|all",
        };
        var twin = Twin("the engine benchmark's");
        var engine = new Command("engine", "Engine benchmarks B0–B3: float32 on the CPU, every core, median of the timed runs.").With(workloads, twin);
        engine.SetAction(r =>
        {
            var asked = r.GetValue(workloads) ?? [];
            var which = asked.Length == 0 || asked.Contains("all", StringComparer.OrdinalIgnoreCase)
                ? EngineBench.Workloads.ToList()
                : asked.Select(w => w.ToUpperInvariant()).ToList();
            foreach (var w in which.Where(w => !EngineBench.Workloads.Contains(w)))
            {
                var near = Suggest.Nearest(w, EngineBench.Workloads);
                throw new ArgumentException($"unknown workload '{w}': expected one of {string.Join(", ", EngineBench.Workloads)} or all" + (near is null ? "" : $" (did you mean '{near}'?)"));
            }
            var script = Script(r.GetValue(twin));
            using var bar = ctx.Progress("bench engine");
            var output = new ProgressLineWriter(bar, ctx.Out, which.Count);
            foreach (var w in which)
            {
                bar.Report(output.Lines, which.Count, detail: w);
                EngineBench.Run([w], script, output);
            }
            return 0;
        });
        CliHelp.SetExamples(engine, "musiclm bench engine", "musiclm bench engine B3 --pytorch PATH/TO/engine_twin.py");
        return engine;
    }

    private static Command Codec(CliContext ctx)
    {
        var twin = Twin("codec_twin.py, the codec benchmark's");
        var codec = new Command("codec", $"Codec encode/decode speed as a multiple of real time: course and EnCodec 24 kHz, {CodecBench.Seconds:0} s of audio, {CodecBench.Levels} levels, at 1 thread and every core.")
            .With(twin);
        codec.SetAction(r =>
        {
            var script = Script(r.GetValue(twin));
            // One line per preset and thread count (CodecBench times 1 thread and, on a multi-core machine, every core).
            var lines = 2 * (Environment.ProcessorCount > 1 ? 2 : 1);
            using var bar = ctx.Progress("bench codec");
            bar.Report(0, lines);
            return CodecBench.Run(script, new ProgressLineWriter(bar, ctx.Out, lines));
        });
        CliHelp.SetExamples(codec, "musiclm bench codec", "musiclm bench codec --pytorch lib/MusicLM.Cli/Bench/codec_twin.py");
        return codec;
    }

    private static Command Stages(CliContext ctx)
    {
        var names = Enum.GetValues<MusicLM.Stages.StageKind>().Select(k => k.ToString().ToLowerInvariant()).ToArray();
        var which = new Argument<string[]>("STAGE")
        {
            Description = "semantic, coarse, fine, or all (the default).",
            Arity = ArgumentArity.ZeroOrMore,
            HelpName = "semantic|coarse|fine|all",
        };
        var stages = new Command("stages", "The three stages at the course sizes: a training step, and sampling tokens/s with the key/value cache (unguided, guided) against full recomputation.")
            .With(which);
        stages.SetAction(r =>
        {
            var asked = r.GetValue(which) ?? [];
            var chosen = asked.Length == 0 || asked.Contains("all", StringComparer.OrdinalIgnoreCase) ? names : asked.Select(a => a.ToLowerInvariant()).ToArray();
            foreach (var a in chosen.Where(a => !names.Contains(a)))
            {
                var near = Suggest.Nearest(a, names);
                throw new ArgumentException($"unknown stage '{a}': expected one of {string.Join(", ", names)} or all" + (near is null ? "" : $" (did you mean '{near}'?)"));
            }
            var kinds = chosen.Select(a => Enum.Parse<MusicLM.Stages.StageKind>(a, ignoreCase: true)).ToList();
            using var bar = ctx.Progress("bench stages");
            var output = new ProgressLineWriter(bar, ctx.Out, kinds.Count);
            foreach (var k in kinds)
            {
                bar.Report(output.Lines, kinds.Count, detail: k.ToString().ToLowerInvariant());
                StageBench.Run([k], output);
            }
            return 0;
        });
        CliHelp.SetExamples(stages, "musiclm bench stages", "musiclm bench stages fine");
        return stages;
    }

    private static string? Script(string? path) =>
        path is null || File.Exists(path) ? path : throw new ArgumentException($"PyTorch twin script not found: {path}");
}
