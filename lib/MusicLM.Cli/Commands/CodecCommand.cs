using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MusicLM.Audio;
using MusicLM.Codec;
using MusicLM.Codec.Training;
using MusicLM.Torch;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm codec train | encode | decode</c>: train a codec on a folder or manifest, turn audio into a
/// <c>.codes</c> file (<see cref="CodesFile"/>) and back. A model is a checkpoint written by training
/// (<c>codec.safetensors</c> + <c>codec.json</c>) or Meta's EnCodec 24 kHz <c>.th</c> file.
/// </summary>
public static class CodecCommand
{
    /// <summary><paramref name="args"/> are what follows <c>codec</c>: the subcommand and its options.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Cli.Run(["codec", .. args], stdout, stderr);

    internal static Command Build(CliContext ctx)
    {
        var codec = new Command("codec", "The neural audio codec: train one, and turn audio into codes and back.")
            .With(TrainCommand(ctx), CodingCommand(ctx, encode: true), CodingCommand(ctx, encode: false));
        CliHelp.SetExamples(codec,
            "musiclm codec train --data /tmp/synth --out /tmp/codec/course.safetensors --minutes 8",
            "musiclm codec encode --model /tmp/codec/course.safetensors --in song.wav --out song.codes",
            "musiclm codec decode --model /tmp/codec/course.safetensors --in song.codes --out song-decoded.wav --levels 4");
        return codec;
    }

    private static Command TrainCommand(CliContext ctx)
    {
        var defaults = new CodecTrainerConfig();
        var data = Options.Text("--data", "DIR_OR_MANIFEST", "Training audio: a manifest.jsonl, or a folder (its manifest, else its WAV files).");
        var output = Options.Text("--out", "CHECKPOINT", "Checkpoint to write (.safetensors; the codec's .json and the .log.csv go beside it).");
        var preset = Options.Choice("--preset", "Codec architecture of a new run.", "course", "course", "soundstream", "encodec24k");
        var steps = Options.Int("--steps", "N", "Training steps to run in this call (give --steps, --minutes or both).", min: 1);
        var minutes = Options.Number("--minutes", "M", "Wall-time budget in minutes: no step starts that would end after it.", m => m > 0, "a positive number of minutes");
        var resume = Options.Flag("--resume", "Continue the checkpoint given by --out (its codec and settings; the step count carries on).");
        var batch = Options.Int("--batch-size", "B", $"Clips per step. [default: {defaults.BatchSize}]", min: 1);
        var segment = Options.Number("--segment", "SECONDS", $"Length of each training segment in seconds. [default: {Inv(defaults.SegmentSeconds)}]", s => s > 0, "a positive number of seconds");
        var seed = Options.Int("--seed", "S", $"Seed for initialisation and batch sampling. [default: {defaults.Seed}]", min: 0);
        var lr = Options.Number("--lr", "RATE", $"Learning rate of the codec (and the discriminator). [default: {Inv(defaults.LearningRate)}]", v => v > 0, "a positive number");
        var anneal = Options.Number("--lr-final", "FRACTION",
            $"Where the learning rate ends this call, as a fraction of --lr, along a half cosine over the steps or minutes; 1 keeps it constant. [default: {Inv(defaults.FinalLearningRateFraction)}]",
            v => v is >= 0 and <= 1, "a fraction in [0, 1]");
        var train = new Command("train", "Train a neural audio codec; writes a checkpoint, its config and a CSV log, and prints the reconstruction quality.")
            .With(data, output, preset, steps, minutes, resume, batch, segment, seed, lr, anneal);
        Options.Require(train, data, output);
        train.Validators.Add(r =>
        {
            if (r.GetResult(steps) is null && r.GetResult(minutes) is null) r.AddError("give --steps N or --minutes M");
            if (r.GetResult(resume) is not null && r.GetResult(preset) is { Implicit: false })
                r.AddError("--preset cannot change a resumed run (the checkpoint has its codec)");
        });
        train.SetAction(r =>
        {
            CodecTrainerConfig Adjust(CodecTrainerConfig c) => c with
            {
                BatchSize = r.GetValue(batch) ?? c.BatchSize,
                SegmentSeconds = r.GetValue(segment) ?? c.SegmentSeconds,
                Seed = r.GetValue(seed) ?? c.Seed,
                LearningRate = r.GetValue(lr) ?? c.LearningRate,
                FinalLearningRateFraction = r.GetValue(anneal) ?? c.FinalLearningRateFraction,
                ShowProgress = false,
            };
            var minutesValue = r.GetValue(minutes);
            return Train(r.GetValue(data)!, r.GetValue(output)!, r.GetValue(preset)!, r.GetValue(steps),
                         minutesValue is { } m ? TimeSpan.FromMinutes(m) : null, r.GetValue(resume), Adjust, ctx);
        });
        CliHelp.SetExamples(train,
            "musiclm codec train --data /tmp/synth --out /tmp/codec/course.safetensors --minutes 8",
            "musiclm codec train --data /tmp/synth --out /tmp/codec/course.safetensors --steps 500 --resume",
            "musiclm codec train --data /tmp/synth --out /tmp/codec/anneal.safetensors --steps 1200 --lr 2e-3 --lr-final 0.1");
        return train;
    }

    private static Command CodingCommand(CliContext ctx, bool encode)
    {
        var model = Options.Text("--model", "CHECKPOINT", "A codec checkpoint written by 'codec train' (.safetensors + .json), or EnCodec's encodec_24khz-d7cc33bc.th.");
        var input = Options.Text("--in", encode ? "AUDIO" : "FILE.codes", encode ? "Audio to encode (any format 'audio info' reads; resampled to the codec's rate, mixed to mono)." : "A .codes file written by 'codec encode'.");
        var output = Options.Text("--out", encode ? "FILE.codes" : "AUDIO.wav", encode ? "The .codes file to write." : "The WAV file to write.");
        var levels = Options.Int("--levels", "Q", encode ? "Quantizer levels to keep (fewer: lower bitrate). [default: all of the codec's]" : "Levels to decode from (fewer: lower bitrate). [default: all in the file]", min: 1);
        var command = new Command(encode ? "encode" : "decode", encode ? "Turn audio into codec codes (a .codes file)." : "Turn a .codes file back into audio (WAV).")
            .With(model, input, output, levels);
        Options.Require(command, model, input, output);
        command.SetAction(r => encode
            ? Encode(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(output)!, r.GetValue(levels), ctx)
            : Decode(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(output)!, r.GetValue(levels), ctx));
        CliHelp.SetExamples(command, encode
            ? ["musiclm codec encode --model /tmp/codec/course.safetensors --in song.wav --out song.codes",
               "musiclm codec encode --model encodec_24khz-d7cc33bc.th --in song.mp3 --out song.codes --levels 4"]
            : ["musiclm codec decode --model /tmp/codec/course.safetensors --in song.codes --out song-decoded.wav",
               "musiclm codec decode --model /tmp/codec/course.safetensors --in song.codes --out song-2levels.wav --levels 2"]);
        return command;
    }

    private static int Train(string data, string output, string preset, int? steps, TimeSpan? budget, bool resume,
                             Func<CodecTrainerConfig, CodecTrainerConfig> adjust, CliContext ctx)
    {
        var stdout = ctx.Out;
        var clips = CodecTrainer.LoadClips(data);
        CodecTrainer trainer;
        if (resume)
        {
            var config = adjust(CodecTrainer.ReadTrainerConfig(output)) with { CheckpointPath = output };
            trainer = CodecTrainer.Resume(output, config);
            stdout.WriteLine($"resuming {output} at step {trainer.Step}");
        }
        else
        {
            var codecConfig = preset switch
            {
                "soundstream" => CodecConfig.SoundStream,
                "encodec24k" => CodecConfig.Encodec24k,
                _ => CodecConfig.Course,
            };
            var config = adjust(new CodecTrainerConfig
            {
                Discriminator = preset == "course" ? DiscriminatorConfig.Course : DiscriminatorConfig.Encodec,
                CheckpointPath = output,
            });
            trainer = new CodecTrainer(new CodecModel(codecConfig), config);
        }
        using (trainer)
        {
            var m = trainer.Model;
            stdout.WriteLine($"codec: {CodesFile.NameOf(m.Config)}, {m.SampleRate} Hz, {m.FrameRate:0.##} frames/s, {m.Levels} levels × {m.CodebookSize} codes = {m.Bitrate() / 1000:0.##} kbps, {m.num_parameters():N0} parameters");
            stdout.WriteLine($"data: {clips.Count} clips, {clips.Sum(c => c.DurationSeconds):0.#} s");
            CodecTrainingResult result;
            using (var bar = ctx.Progress("codec train"))
                result = trainer.Train(clips, steps, budget, new TrainingProgress(trainer.Config.LogEvery * 10, trainer.Step, steps, budget, bar, stdout));
            var last = result.Last;
            stdout.WriteLine($"trained {result.StepsRun} steps in {result.Elapsed.TotalSeconds:0.0} s (stopped by {result.StoppedBy}); step {result.FinalStep}" +
                             (last is null ? "" : $", mel {last.Mel:0.###}, l1 {last.L1:0.####}"));
            var eval = trainer.Evaluate(clips.Take(4).ToList());
            stdout.WriteLine($"reconstruction at {eval.BitrateBps / 1000:0.##} kbps: mel distance {eval.MelDistance:0.###}, SI-SNR {eval.SiSnrDb:0.0} dB");
            stdout.WriteLine($"checkpoint: {output}");
        }
        return 0;
    }

    private static int Encode(string modelPath, string input, string outPath, int? levelsOption, CliContext ctx)
    {
        using var model = LoadModel(modelPath);
        var clip = AudioFile.Read(input);
        var levels = levelsOption ?? model.Levels;
        if (levels > model.Levels) throw new ArgumentException($"--levels must be at most {model.Levels} for this codec, got {levels}");
        var mono = Mono(clip.SampleRate == model.SampleRate ? clip : Resampler.Resample(clip, model.SampleRate));
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(mono).view(1, 1, mono.Length);                   // (1, 1, T)
        Tensor codes;                                                          // (1, Q, F)
        using (var bar = ctx.Progress("codec encode"))
            codes = model.EncodeChunked(x, levels: levels, progress: (done, total) => bar.Report(done, total, "frames"));
        var file = CodesFile.FromTensor(codes, model, mono.Length);
        file.Write(outPath);
        ctx.Out.WriteLine($"{outPath}: {file.Levels} levels × {file.Frames} frames ({file.FrameRate:0.##} frames/s, {model.Bitrate(levels) / 1000:0.##} kbps) for {file.DurationSeconds:0.###} s");
        return 0;
    }

    private static int Decode(string modelPath, string input, string outPath, int? levelsOption, CliContext ctx)
    {
        using var model = LoadModel(modelPath);
        var file = CodesFile.Read(input);
        file.CheckCompatible(model);
        var levels = levelsOption ?? file.Levels;
        if (levels > file.Levels) throw new ArgumentException($"--levels must be at most {file.Levels} (the levels in the file), got {levels}");
        using var scope = torch.NewDisposeScope();
        Tensor audio;                                                          // (1, 1, F · hop)
        using (var bar = ctx.Progress("codec decode"))
            audio = model.DecodeChunked(file.ToTensor(), levels: levels, progress: (done, total) => bar.Report(done, total, "frames"));
        var len = Math.Min(audio.size(-1), file.OriginalSamples);
        var clip = AudioTensor.FromTensor(audio.select(0, 0).narrow(-1, 0, len).clamp(-1, 1), model.SampleRate);
        WavFile.Write(outPath, clip);
        ctx.Out.WriteLine($"{outPath}: {clip.DurationSeconds:0.###} s at {model.SampleRate} Hz from {levels} levels ({model.Bitrate(levels) / 1000:0.##} kbps)");
        return 0;
    }

    /// <summary>A training checkpoint or codec checkpoint (<c>.safetensors</c> + <c>.json</c>), or EnCodec's <c>.th</c>.</summary>
    private static CodecModel LoadModel(string path)
    {
        if (path.EndsWith(".th", StringComparison.OrdinalIgnoreCase)) return EncodecImport.Load(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"model not found: {path}", path);
        var model = CodecModel.Load(path);
        model.eval();
        return model;
    }

    private static float[] Mono(AudioClip clip)
    {
        if (clip.Channels == 1) return clip.Channel(0);
        var mono = new float[clip.Frames];
        for (var c = 0; c < clip.Channels; c++)
            for (var i = 0; i < clip.Frames; i++) mono[i] += clip.Samples[c, i] / clip.Channels;
        return mono;
    }

    private static string Inv(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>
    /// Prints every n-th step as a plain line (synchronously, unlike <see cref="Progress{T}"/>) and, on a terminal,
    /// redraws the progress line after every step: by steps, or by time when only --minutes bounds the run.
    /// </summary>
    private sealed class TrainingProgress(int every, long firstStep, int? steps, TimeSpan? budget, ConsoleProgress bar, TextWriter w)
        : IProgress<CodecTrainingStep>
    {
        public void Report(CodecTrainingStep s)
        {
            var run = s.Step - firstStep;
            if (bar.Drawing)
            {
                var byTime = budget is { } b && b > TimeSpan.Zero ? bar.Elapsed / b : 0;
                var bySteps = steps is { } n ? (double)run / n : 0;
                bar.Report(Math.Max(byTime, bySteps), steps is { } total ? $"{run}/{total} steps" : $"{run} steps",
                           $"mel {s.Mel:0.###}  l1 {s.L1:0.####}");
            }
            if (s.Step % every != 0) return;
            // The discriminator's loss is NaN on steps it does not train (off during warm-up): left out then.
            var disc = double.IsNaN(s.Discriminator) ? "" : $"  adv {s.Adversarial:0.###}  disc {s.Discriminator:0.###}";
            bar.WriteLine(w, $"step {s.Step,6}  {s.Elapsed.TotalSeconds,7:0.0} s  mel {s.Mel:0.###}  l1 {s.L1:0.####}{disc}  levels {s.Levels}  perplexity {s.Perplexity:0.#}");
        }
    }
}
