using System.CommandLine;
using System.Globalization;
using MusicLM.Audio;
using MusicLM.Generation;
using MusicLM.Torch;
using MusicLM.Transformers;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm generate</c>: text (and optionally an audio prompt) to a WAV file with the prepared course models
/// (<see cref="TextToMusic"/>); a JSON line per clip on standard output with its settings and the time per stage.
/// </summary>
public static class GenerateCommand
{
    internal static Command Build(CliContext ctx)
    {
        var prompt = Options.Text("--prompt", "TEXT", "What to make, in words: \"a fast techno track with a saw lead in A minor\".");
        var seconds = Options.Number("--seconds", "S", "Length of each clip in seconds. [default: 10]", s => s > 0 && s <= 600, "a number of seconds in (0, 600]", 10);
        var output = Options.Text("--out", "FILE.wav", "WAV file to write; with --count N > 1, FILE-1.wav … FILE-N.wav.");
        var seed = Options.Int("--seed", "S", "Seed of the sampling: the same seed, prompt and settings give the same audio. [default: 0]", min: 0, @default: 0);
        var count = Options.Int("--count", "N", "Clips to make for the prompt, sampled together. [default: 1]", min: 1, @default: 1);
        var candidates = Options.Int("--candidates", "K", "Samples drawn per clip; the one MuLan finds closest to the prompt is kept. [default: 1]", min: 1, @default: 1);
        var checkpoints = Options.Text("--checkpoints", "DIR", "The data folder holding the prepared models (codec/, semantic/, mulan/, stages/). [default: $MUSICLM_DATA, else ./.musiclm]");
        var continueFrom = Options.Text("--continue", "AUDIO", "An audio prompt to continue: the clip starts with it and goes on for --seconds in all.");
        var semanticTemperature = Temperature("semantic", 1.0);
        var coarseTemperature = Temperature("coarse", 0.95);
        var fineTemperature = Temperature("fine", 0.4);
        var topK = Options.Int("--top-k", "K", "Keep only the K most likely tokens at each step, every stage (0: all). [default: the stages' own]", min: 0);
        var topP = Options.Number("--top-p", "P", "Nucleus sampling: keep the likeliest tokens up to probability P, every stage. [default: the stages' own]", p => p > 0 && p <= 1, "a probability in (0, 1]");
        var guidance = Options.Number("--guidance", "SCALE", "Classifier-free guidance scale, every stage (1: none; > 1 follows the prompt harder). [default: the stages' own]", g => g >= 0, "a number ≥ 0");
        var skipFine = Options.Flag("--skip-fine", "Decode the coarse levels alone, without the fine stage: faster, thinner.");
        var device = Options.Choice("--device", "Where to run: the CPU, or the first CUDA GPU.", "cpu", "cpu", "cuda");
        var model = Options.Choice("--model", "Which design: MusicLM's three-stage hierarchy, or MusicGen's one stage (notebook 09).", "musiclm", "musiclm", "musicgen");
        var temperature = Options.Number("--temperature", "T", "Sampling temperature of the one-stage model (--model musicgen; 0: greedy). [default: the model's own, 1 in the course]", t => t >= 0, "a number ≥ 0");
        var generate = new Command("generate", "Make music from a text prompt with the prepared course models (see 'musiclm course prepare'); writes WAV files and prints a JSON line per clip.")
            .With(prompt, seconds, output, seed, count, candidates, checkpoints, continueFrom, semanticTemperature, coarseTemperature, fineTemperature,
                  topK, topP, guidance, skipFine, device, model, temperature);
        Options.Require(generate, output);
        generate.Validators.Add(r =>
        {
            if (r.GetResult(prompt) is null && r.GetResult(continueFrom) is null) r.AddError("give --prompt TEXT (and/or --continue AUDIO)");
            if (r.GetResult(continueFrom) is not null && r.GetResult(count) is { Implicit: false }) r.AddError("--count works with text prompts; run a continuation once per seed");
            if (r.GetValue(model) == "musicgen")
            {
                if (r.GetResult(continueFrom) is not null) r.AddError("--continue needs the hierarchy's semantic tokens: use it with --model musiclm");
                if (r.GetResult(prompt) is null) r.AddError("--model musicgen needs --prompt TEXT");
                if (r.GetValue(skipFine)) r.AddError("--skip-fine is the hierarchy's: the one-stage model writes every level at once");
                foreach (var t in new[] { semanticTemperature, coarseTemperature, fineTemperature })
                    if (r.GetResult(t) is not null) r.AddError($"{t.Name} is a stage of the hierarchy's: with --model musicgen use --temperature");
            }
            else if (r.GetResult(temperature) is not null) r.AddError("--temperature is the one-stage model's (--model musicgen); the hierarchy's stages take --semantic-temperature, --coarse-temperature and --fine-temperature");
        });
        generate.SetAction(r =>
        {
            SamplingConfig? Stage(Option<double?> temperature) =>
                r.GetResult(temperature) is null && r.GetResult(topK) is null && r.GetResult(topP) is null && r.GetResult(guidance) is null
                    ? null
                    : new SamplingConfig
                    {
                        Temperature = r.GetValue(temperature) ?? DefaultOf(temperature),
                        TopK = r.GetValue(topK) ?? 0,
                        TopP = r.GetValue(topP) ?? 1,
                        GuidanceScale = r.GetValue(guidance) ?? 1,
                    };
            var settings = new GenerationSettings
            {
                Seconds = r.GetValue(seconds) ?? 10,
                Seed = (ulong)(r.GetValue(seed) ?? 0),
                Candidates = r.GetValue(candidates) ?? 1,
                SkipFine = r.GetValue(skipFine),
                Semantic = Stage(semanticTemperature),
                Coarse = Stage(coarseTemperature),
                Fine = Stage(fineTemperature),
            };
            // The one-stage model's sampling: its own defaults (audiocraft's: top-k 250, guidance 3) with what was given.
            Func<SamplingConfig, SamplingConfig> oneStage = d => d with
            {
                Temperature = r.GetValue(temperature) ?? d.Temperature, TopK = r.GetValue(topK) ?? d.TopK,
                TopP = r.GetValue(topP) ?? d.TopP, GuidanceScale = r.GetValue(guidance) ?? d.GuidanceScale,
            };
            return Run(r.GetValue(prompt), r.GetValue(continueFrom), r.GetValue(output)!, r.GetValue(count) ?? 1, settings,
                       r.GetValue(checkpoints), r.GetValue(device) == "cuda" ? Device.CUDA() : (Device?)null, ctx,
                       r.GetValue(model) == "musicgen" ? oneStage : null);
        });
        CliHelp.SetExamples(generate,
            "musiclm generate --prompt \"a fast techno track with a saw lead in A minor\" --seconds 10 --out techno.wav",
            "musiclm generate --prompt \"a slow ambient piece with a warm pad\" --count 4 --seed 7 --out ambient.wav",
            "musiclm generate --prompt \"a jazz trio\" --candidates 4 --semantic-temperature 0.9 --guidance 3 --out jazz.wav",
            "musiclm generate --continue song.wav --seconds 15 --out song-continued.wav",
            "musiclm generate --model musicgen --prompt \"a fast techno track with a saw lead in A minor\" --out techno-musicgen.wav");
        return generate;
    }

    private static readonly Dictionary<Option, double> defaults = new();

    private static Option<double?> Temperature(string stage, double @default)
    {
        var o = Options.Number($"--{stage}-temperature", "T", $"Sampling temperature of the {stage} stage (0: greedy). [default: the stage's own, {@default.ToString(CultureInfo.InvariantCulture)} in the course]",
            t => t >= 0, "a number ≥ 0");
        defaults[o] = @default;
        return o;
    }

    private static double DefaultOf(Option o) => defaults.TryGetValue(o, out var d) ? d : 1;

    private static int Run(string? prompt, string? continueFrom, string output, int count, GenerationSettings settings, string? checkpoints, Device? device, CliContext ctx,
                           Func<SamplingConfig, SamplingConfig>? oneStage)
    {
        if (!output.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"--out must name a .wav file, got '{output}'");
        if (device is { IsCuda: true } && !torch.cuda.is_available()) throw new ArgumentException("--device cuda: no CUDA device is available here (musiclm info lists them)");
        var dir = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"the folder of --out does not exist: {dir}");
        AudioClip? audioPrompt = continueFrom is null ? null : AudioFile.Read(continueFrom);
        if (oneStage is not null) return RunOneStage(prompt!, output, count, settings, checkpoints, device, ctx, oneStage);
        using var pipeline = TextToMusic.Load(checkpoints, device);
        IReadOnlyList<GeneratedMusic> clips;
        using (var bar = ctx.Progress("generate"))
        {
            var progress = new Relay(p => bar.Report(p.Fraction, p.Stage, $"{p.Done}/{p.Total}"));
            clips = audioPrompt is null
                ? pipeline.Generate(Enumerable.Repeat(prompt!, count).ToList(), settings, progress)
                : [pipeline.Continue(audioPrompt, prompt, settings, progress)];
        }
        return Write(clips, output, ctx);
    }

    private static int RunOneStage(string prompt, string output, int count, GenerationSettings settings, string? checkpoints, Device? device, CliContext ctx,
                                   Func<SamplingConfig, SamplingConfig> sampling)
    {
        using var pipeline = OneStage.MusicGen.Load(checkpoints, device);
        IReadOnlyList<GeneratedMusic> clips;
        using (var bar = ctx.Progress("generate (MusicGen)"))
        {
            var progress = new Relay(p => bar.Report(p.Fraction, p.Stage, $"{p.Done}/{p.Total}"));
            clips = pipeline.Generate(Enumerable.Repeat(prompt, count).ToList(), settings with { OneStage = sampling(pipeline.Model.Config.Sampling) }, progress);
        }
        return Write(clips, output, ctx);
    }

    private static int Write(IReadOnlyList<GeneratedMusic> clips, string output, CliContext ctx)
    {
        for (var i = 0; i < clips.Count; i++)
        {
            var file = clips.Count == 1 ? output : Path.ChangeExtension(output, null) + $"-{i + 1}.wav";
            AudioFile.Write(file, clips[i].Audio);
            ctx.Out.WriteLine(clips[i].ToJson(file));
        }
        return 0;
    }

    private sealed class Relay(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
