using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MusicLM.Audio;
using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;
using MusicLM.MuLan;
using MusicLM.Torch;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm mulan train | embed</c>: train the text–music embedding on a captioned manifest, and print the
/// embedding (or the conditioning tokens) of a caption or an audio file as JSON.
/// </summary>
public static class MulanCommand
{
    /// <summary><paramref name="args"/> are what follows <c>mulan</c>: the subcommand and its options.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Cli.Run(["mulan", .. args], stdout, stderr);

    internal static Command Build(CliContext ctx)
    {
        var mulan = new Command("mulan", "MuLan, the joint text–music embedding: train one, and embed captions or audio.")
            .With(TrainCommand(ctx), EmbedCommand(ctx));
        CliHelp.SetExamples(mulan,
            "musiclm mulan train --data /tmp/synth --out /tmp/mulan/course.safetensors --minutes 7",
            "musiclm mulan embed --model /tmp/mulan/course.safetensors --text \"a slow ambient piece with bells\" --tokens");
        return mulan;
    }

    private static Command TrainCommand(CliContext ctx)
    {
        var defaults = new MuLanTrainerConfig();
        var data = Options.Text("--data", "DIR_OR_MANIFEST", "Captioned clips: a manifest.jsonl or a folder with one (its \"train\" split; \"valid\" is scored now and then).");
        var output = Options.Text("--out", "CHECKPOINT", "Checkpoint to write (.safetensors; the config .json, the vocabulary .tokenizer.json and the trainer state go beside it).");
        var steps = Options.Int("--steps", "N", "Training steps (give --steps, --minutes or both).", min: 1);
        var minutes = Options.Number("--minutes", "M", "Wall-time budget in minutes: no step starts that would end after it.", m => m > 0, "a positive number of minutes");
        var seed = Options.Int("--seed", "S", $"Seed of the weights, the batches, the crops and the masks. [default: {defaults.Seed}]", min: 0);
        var batch = Options.Int("--batch-size", "B", $"Clips per contrastive batch. [default: {defaults.BatchSize}]", min: 2);
        var crop = Options.Number("--crop", "SECONDS", $"Length of the random crop each clip is trained on. [default: {defaults.CropSeconds.ToString(CultureInfo.InvariantCulture)}]", s => s > 0, "a positive number of seconds");
        var preset = Options.Choice("--preset", "Model size: the course's, or a tiny one for quick checks.", "course", "course", "tiny");
        var train = new Command("train", "Train MuLan contrastively, fit its conditioning quantizer on audio embeddings, write a checkpoint and print held-out retrieval.")
            .With(data, output, steps, minutes, seed, batch, crop, preset);
        Options.Require(train, data, output);
        train.Validators.Add(r =>
        {
            if (r.GetResult(steps) is null && r.GetResult(minutes) is null) r.AddError("give --steps N or --minutes M");
        });
        train.SetAction(r =>
        {
            var config = defaults with
            {
                Seed = r.GetValue(seed) ?? defaults.Seed,
                BatchSize = r.GetValue(batch) ?? defaults.BatchSize,
                CropSeconds = r.GetValue(crop) ?? defaults.CropSeconds,
                CheckpointPath = r.GetValue(output),
            };
            var m = r.GetValue(minutes);
            return Train(r.GetValue(data)!, r.GetValue(output)!, r.GetValue(steps), m is { } v ? TimeSpan.FromMinutes(v) : null, r.GetValue(preset)!, config, ctx);
        });
        CliHelp.SetExamples(train,
            "musiclm mulan train --data /tmp/synth --out /tmp/mulan/course.safetensors --minutes 7",
            "musiclm mulan train --data /tmp/synth/manifest.jsonl --out /tmp/mulan/quick.safetensors --steps 20 --preset tiny --seed 3");
        return train;
    }

    private static Command EmbedCommand(CliContext ctx)
    {
        var model = Options.Text("--model", "CHECKPOINT", "A MuLan checkpoint written by 'mulan train'.");
        var text = Options.Text("--text", "CAPTION", "A caption to embed.");
        var input = Options.Text("--in", "AUDIO", "An audio file to embed (resampled to the model's rate, mixed to mono, embedded whole).");
        var tokens = Options.Flag("--tokens", "Also print the conditioning tokens (the quantized embedding MusicLM's stages read).");
        var embed = new Command("embed", "Print the unit-norm embedding of a caption or an audio file as JSON (and its conditioning tokens with --tokens).")
            .With(model, text, input, tokens);
        Options.Require(embed, model);
        embed.Validators.Add(r =>
        {
            if ((r.GetResult(text) is null) == (r.GetResult(input) is null)) r.AddError("give exactly one of --text CAPTION or --in AUDIO");
        });
        embed.SetAction(r => Embed(r.GetValue(model)!, r.GetValue(text), r.GetValue(input), r.GetValue(tokens), ctx));
        CliHelp.SetExamples(embed,
            "musiclm mulan embed --model /tmp/mulan/course.safetensors --text \"a fast techno track with a saw lead\"",
            "musiclm mulan embed --model /tmp/mulan/course.safetensors --in song.wav --tokens");
        return embed;
    }

    private static int Train(string data, string output, int? steps, TimeSpan? budget, string preset, MuLanTrainerConfig config, CliContext ctx)
    {
        var stdout = ctx.Out;
        var (trainSet, validSet) = LoadExamples(data);
        var tokenizer = CaptionTokenizer.Train(trainSet.Select(e => e.Caption));
        torch.manual_seed((ulong)config.Seed);
        var modelConfig = preset == "tiny" ? MuLanConfig.Tiny(tokenizer.VocabSize, tokenizer.MaxLength) : MuLanConfig.Course(tokenizer.VocabSize, tokenizer.MaxLength);
        using var model = new MuLanModel(modelConfig, tokenizer);
        using var trainer = new MuLanTrainer(model, config);
        stdout.WriteLine($"mulan: {model.EmbeddingDim}-d joint space, audio tower {model.audio.num_parameters():N0} and text tower {model.text.num_parameters():N0} parameters, vocabulary {tokenizer.VocabSize} symbols");
        stdout.WriteLine($"data: {trainSet.Count} training clips, {validSet.Count} validation clips");
        var train = MuLanFeatures.Compute(model, trainSet);
        var valid = MuLanFeatures.Compute(model, validSet);
        try
        {
            MuLanTrainingResult result;
            using (var bar = ctx.Progress("mulan train"))
                result = trainer.Train(train, steps, budget, new StepPrinter(bar, stdout, steps, budget), valid.Count > 1 ? valid : null);
            var last = result.Last;
            stdout.WriteLine($"trained {result.StepsRun} steps in {result.Elapsed.TotalSeconds:0.0} s (stopped by {result.StoppedBy}); loss {last?.Loss:0.###} (chance {last?.ChanceLoss:0.###}), temperature {model.Temperature:0.###}");
            var errors = trainer.FitQuantizer(train);
            stdout.WriteLine($"conditioning quantizer: {model.quantizer.Levels} levels × {model.quantizer.CodebookSize} codes, squared error {errors[0]:0.####} after level 1, {errors[^1]:0.####} after level {errors.Length}");
            trainer.SaveCheckpoint(output);
            if (valid.Count > 1 && valid.All(v => v.Attributes is not null))
                stdout.WriteLine(MuLanEvaluation.Run(model, valid).ToString());
            stdout.WriteLine($"checkpoint: {output}");
        }
        finally
        {
            foreach (var f in train.Concat(valid)) f.Mel.Dispose();
        }
        return 0;
    }

    private static int Embed(string modelPath, string? text, string? input, bool withTokens, CliContext ctx)
    {
        using var model = MuLanModel.Load(modelPath);
        using var scope = torch.NewDisposeScope();
        var embedding = text is not null ? model.EmbedText([text]) : model.EmbedAudio([AudioFile.Read(input!)]);   // (1, E)
        var result = new Dictionary<string, object>
        {
            ["source"] = text is not null ? "text" : "audio",
            ["embedding"] = embedding.ToArray<float>(),
        };
        if (withTokens) result["tokens"] = model.Tokens(embedding).ToArray<long>();
        ctx.Out.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>
    /// Training and validation examples of a manifest (or a folder's <c>manifest.jsonl</c>): the "train" split (every
    /// entry when no split says "train") and the "valid" split; audio paths relative to the manifest. The synthetic
    /// dataset's ground truth, when present, becomes each example's attributes.
    /// </summary>
    internal static (List<MuLanExample> Train, List<MuLanExample> Valid) LoadExamples(string manifestOrFolder)
    {
        var manifest = Directory.Exists(manifestOrFolder) ? Path.Combine(manifestOrFolder, SyntheticDataset.ManifestFile) : manifestOrFolder;
        if (!File.Exists(manifest))
            throw new FileNotFoundException(Directory.Exists(manifestOrFolder)
                ? $"'{manifestOrFolder}' has no {SyntheticDataset.ManifestFile}: MuLan needs captions, which only a manifest gives"
                : $"no training data at '{manifestOrFolder}' (give a folder with a manifest.jsonl, or the manifest)", manifest);
        var entries = Manifest.Read(manifest);
        var root = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        MuLanExample Load(ManifestEntry e) => new(AudioFile.Read(Path.IsPathRooted(e.Audio) ? e.Audio : Path.Combine(root, e.Audio)), e.Caption, Attributes(e));
        var train = entries.Where(e => e.Split == "train").ToList();
        if (train.Count == 0) train = entries.Where(e => e.Split != "valid" && e.Split != "test").ToList();
        if (train.Count < 2) throw new ArgumentException($"'{manifest}' lists {train.Count} training clip(s); contrastive training needs at least 2");
        return (train.Select(Load).ToList(), entries.Where(e => e.Split == "valid").Select(Load).ToList());
    }

    private static ClipAttributes? Attributes(ManifestEntry e) =>
        e is { Instruments: { Count: > 0 } i, TempoBpm: { } bpm, Key: { } key, Mode: { } mode, Meter: { } meter, Style: { } style }
            ? new ClipAttributes(i, (int)Math.Round(bpm), key, mode, meter, style, e.Mood ?? [])
            : null;

    /// <summary>A line every 50 steps and on evaluation steps; on a terminal the progress line after every step.</summary>
    private sealed class StepPrinter(ConsoleProgress bar, TextWriter w, int? steps, TimeSpan? budget) : IProgress<MuLanTrainingStep>
    {
        public void Report(MuLanTrainingStep s)
        {
            if (bar.Drawing)
            {
                var byTime = budget is { } b && b > TimeSpan.Zero ? bar.Elapsed / b : 0;
                var bySteps = steps is { } n ? (double)s.Step / n : 0;
                bar.Report(Math.Max(byTime, bySteps), $"{s.Step} steps", $"loss {s.Loss:0.###}  τ {s.Temperature:0.###}");
            }
            var evaluated = !double.IsNaN(s.HeldOutRecallAt1);
            if (s.Step % 50 != 0 && !evaluated) return;
            bar.WriteLine(w, $"step {s.Step,6}  {s.Elapsed.TotalSeconds,7:0.0} s  loss {s.Loss:0.###} (chance {s.ChanceLoss:0.###})  τ {s.Temperature:0.###}" +
                             (evaluated ? $"  valid text→audio R@1 {s.HeldOutRecallAt1:P0} R@5 {s.HeldOutRecallAt5:P0}" : ""));
        }
    }
}
