using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MusicLM.Audio;
using MusicLM.Codec.Training;
using MusicLM.Semantic;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm semantic fit | tokenize</c>: fit a semantic tokenizer (cheap features + k-means, then HuBERT's
/// iteration 1) on a folder or manifest, and turn audio into 25 Hz semantic tokens. A model is a checkpoint
/// written by <c>semantic fit</c> (<c>semantic.safetensors</c> + <c>semantic.json</c>).
/// </summary>
public static class SemanticCommand
{
    /// <summary><paramref name="args"/> are what follows <c>semantic</c>: the subcommand and its options.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Cli.Run(["semantic", .. args], stdout, stderr);

    internal static Command Build(CliContext ctx)
    {
        var semantic = new Command("semantic", "Semantic tokens (25 Hz): fit a tokenizer, and turn audio into tokens.")
            .With(FitCommand(ctx), TokenizeCommand(ctx));
        CliHelp.SetExamples(semantic,
            "musiclm semantic fit --data /tmp/synth --out /tmp/semantic/semantic.safetensors --minutes 4",
            "musiclm semantic tokenize --model /tmp/semantic/semantic.safetensors --in song.wav --out song.tokens.json");
        return semantic;
    }

    private static Command FitCommand(CliContext ctx)
    {
        var defaults = new SemanticTokenizerConfig();
        var data = Options.Text("--data", "DIR_OR_MANIFEST", "Training audio: a manifest.jsonl (its train split), or a folder (its manifest, else its WAV files).");
        var output = Options.Text("--out", "FILE.safetensors", "Tokenizer to write (.safetensors; its .json config goes beside it).");
        var minutes = Options.Number("--minutes", "M", "Wall-time budget in minutes; iteration 1 trains for what is left after iteration 0 (or is skipped). [default: none]", m => m > 0, "a positive number of minutes");
        var clusters = Options.Int("--clusters", "K", $"Vocabulary size (k-means clusters of both iterations). [default: {defaults.Clusters}]", min: 2);
        var iterations = Options.Int("--iterations", "0|1", $"0: cheap features + k-means only; 1: also the masked-prediction transformer, re-clustered. [default: {defaults.Iterations}]", min: 0);
        var steps = Options.Int("--steps", "N", $"Training steps of iteration 1 (a budget may stop earlier). [default: {defaults.MaskedPrediction.Steps}]", min: 1);
        var seed = Options.Int("--seed", "S", $"Seed of k-means, the initial weights, crops and masks. [default: {defaults.Seed}]", min: 0);
        var fit = new Command("fit", "Fit a semantic tokenizer; writes it and prints what each stage did.")
            .With(data, output, minutes, clusters, iterations, steps, seed);
        Options.Require(fit, data, output);
        fit.Validators.Add(r =>
        {
            if (r.GetValue(iterations) is > 1) r.AddError("--iterations must be 0 or 1");
        });
        fit.SetAction(r =>
        {
            var config = defaults with
            {
                Clusters = r.GetValue(clusters) ?? defaults.Clusters,
                Iterations = r.GetValue(iterations) ?? defaults.Iterations,
                Seed = r.GetValue(seed) ?? defaults.Seed,
                MaskedPrediction = defaults.MaskedPrediction with { Steps = r.GetValue(steps) ?? defaults.MaskedPrediction.Steps },
            };
            var m = r.GetValue(minutes);
            return Fit(r.GetValue(data)!, r.GetValue(output)!, config, m is { } v ? TimeSpan.FromMinutes(v) : null, ctx);
        });
        CliHelp.SetExamples(fit,
            "musiclm semantic fit --data /tmp/synth --out /tmp/semantic/semantic.safetensors --minutes 4",
            "musiclm semantic fit --data /tmp/synth/manifest.jsonl --out /tmp/semantic/iter0.safetensors --iterations 0 --clusters 128");
        return fit;
    }

    private static Command TokenizeCommand(CliContext ctx)
    {
        var model = Options.Text("--model", "FILE.safetensors", "A tokenizer written by 'semantic fit' (.safetensors + .json).");
        var input = Options.Text("--in", "AUDIO", "Audio to tokenize (any format 'audio info' reads; mixed to mono, resampled to 16 kHz).");
        var output = Options.Text("--out", "FILE.json|FILE.txt",
            "Where to write the tokens: .json ({\"frame_rate\", \"iteration\", \"vocabulary_size\", \"samples\", \"tokens\": [...]}) or .txt "
            + "(the tokens on one line, space-separated). [default: print them on standard output, space-separated]");
        var iteration = Options.Int("--iteration", "0|1", "Which iteration's tokens (0: cheap features + k-means). [default: the highest the model has]", min: 0);
        var tokenize = new Command("tokenize", "Turn audio into semantic tokens, 25 per second (⌈samples / 640⌉ at 16 kHz; repeats kept).")
            .With(model, input, output, iteration);
        Options.Require(tokenize, model, input);
        tokenize.SetAction(r => Tokenize(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(output), r.GetValue(iteration), ctx));
        CliHelp.SetExamples(tokenize,
            "musiclm semantic tokenize --model /tmp/semantic/semantic.safetensors --in song.wav",
            "musiclm semantic tokenize --model /tmp/semantic/semantic.safetensors --in song.wav --out song.tokens.json --iteration 0");
        return tokenize;
    }

    private static int Fit(string data, string output, SemanticTokenizerConfig config, TimeSpan? budget, CliContext ctx)
    {
        var stdout = ctx.Out;
        if (string.Equals(Path.GetExtension(output), ".json", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("--out must not end in .json: the config is written there (use .safetensors)");
        var clips = CodecTrainer.LoadClips(data);
        stdout.WriteLine($"data: {clips.Count} clips, {clips.Sum(c => c.DurationSeconds):0.#} s");
        SemanticTokenizer tokenizer;
        using (var bar = ctx.Progress("semantic fit"))
            tokenizer = SemanticTokenizer.Fit(clips, config, budget, new FitProgress(bar, stdout, budget));
        using (tokenizer)
        {
            var r = tokenizer.Report!;
            stdout.WriteLine($"features: {r.Frames:N0} frames at {tokenizer.FrameRate:0.##} Hz, {config.Features.Dim} values each ({T(r, SemanticFitStage.Features)})");
            stdout.WriteLine($"iteration 0: k-means, {config.Clusters} clusters, {r.Iteration0Inertia.Count} Lloyd iterations, inertia per frame {r.Iteration0Inertia[^1]:0.##} ({T(r, SemanticFitStage.Iteration0Clustering)})");
            if (r.Training.Count > 0)
            {
                var first = r.Training.Take(10).Average(s => s.Loss);
                var last = r.Training.TakeLast(10).Average(s => s.Loss);
                var acc = r.Training.TakeLast(10).Average(s => s.Accuracy);
                stdout.WriteLine($"iteration 1: {r.Training.Count} steps of masked prediction, loss {first:0.###} → {last:0.###} (chance ln K = {Math.Log(config.Clusters):0.###}), accuracy {acc:P0} ({T(r, SemanticFitStage.MaskedPrediction)})");
                stdout.WriteLine($"iteration 1: k-means on layer {config.MaskedPrediction.EffectiveClusterLayer}, inertia per frame {r.Iteration1Inertia[^1]:0.##} ({T(r, SemanticFitStage.Iteration1Clustering)})");
            }
            else if (config.Iterations == 1) stdout.WriteLine("iteration 1: skipped (the budget was used up by iteration 0)");
            stdout.WriteLine($"fitted iteration {tokenizer.Iteration} in {r.Elapsed.TotalSeconds:0.0} s (stopped by {r.StoppedBy})");
            tokenizer.Save(output);
            stdout.WriteLine($"tokenizer: {output}");
        }
        return 0;
    }

    private static string T(SemanticFitReport r, SemanticFitStage s) =>
        r.StageTimes.TryGetValue(s, out var t) ? $"{t.TotalSeconds:0.0} s" : "-";

    private static int Tokenize(string modelPath, string input, string? outPath, int? iteration, CliContext ctx)
    {
        if (outPath is not null && !(outPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || outPath.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"--out must end in .json or .txt, got '{outPath}'");
        using var tokenizer = SemanticTokenizer.Load(modelPath);
        var clip = AudioFile.Read(input);
        var it = iteration ?? tokenizer.Iteration;
        var tokens = tokenizer.Tokenize(clip, it);
        var line = string.Join(' ', tokens.Select(t => t.ToString(CultureInfo.InvariantCulture)));
        if (outPath is null)
        {
            ctx.Out.WriteLine(line);
            return 0;
        }
        if (outPath.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)) File.WriteAllText(outPath, line + "\n");
        else
        {
            var doc = new Dictionary<string, object>
            {
                ["frame_rate"] = tokenizer.FrameRate, ["iteration"] = it, ["vocabulary_size"] = tokenizer.VocabularySize,
                ["sample_rate"] = tokenizer.SampleRate, ["samples"] = (long)Math.Round(clip.DurationSeconds * tokenizer.SampleRate), ["tokens"] = tokens,
            };
            File.WriteAllText(outPath, JsonSerializer.Serialize(doc) + "\n");
        }
        ctx.Out.WriteLine($"{outPath}: {tokens.Length} tokens ({tokenizer.FrameRate:0.##} per second, iteration {it}, vocabulary {tokenizer.VocabularySize}) for {clip.DurationSeconds:0.###} s");
        return 0;
    }

    /// <summary>A plain line when a stage starts and every 50 training steps; on a terminal, the progress line after every report.</summary>
    private sealed class FitProgress(ConsoleProgress bar, TextWriter w, TimeSpan? budget) : IProgress<SemanticFitProgress>
    {
        private SemanticFitStage? stage;

        public void Report(SemanticFitProgress p)
        {
            if (bar.Drawing)
            {
                var fraction = budget is { } b && b > TimeSpan.Zero ? p.Elapsed / b : p.Total is { } n && n > 0 ? (double)p.Step / n : double.NaN;
                bar.Report(Math.Min(1, fraction), p.Total is { } total ? $"{p.Step}/{total}" : $"{p.Step}", $"{Name(p.Stage)} {p.Value:0.###}");
            }
            if (p.Stage != stage) bar.WriteLine(w, $"{p.Elapsed.TotalSeconds,7:0.0} s  {Name(p.Stage)}");
            else if (p.Stage == SemanticFitStage.MaskedPrediction && p.Step % 50 == 0)
                bar.WriteLine(w, $"{p.Elapsed.TotalSeconds,7:0.0} s  step {p.Step,5}  masked loss {p.Value:0.###}");
            stage = p.Stage;
        }

        private static string Name(SemanticFitStage s) => s switch
        {
            SemanticFitStage.Features => "features",
            SemanticFitStage.Iteration0Clustering => "iteration 0 k-means",
            SemanticFitStage.MaskedPrediction => "masked prediction",
            _ => "iteration 1 k-means",
        };
    }
}
