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
    public const string Usage = """
        usage: musiclm codec train --data DIR_OR_MANIFEST --out CHECKPOINT [--preset course|soundstream|encodec24k]
                                   [--steps N | --minutes M] [--resume] [--batch-size B] [--segment SECONDS] [--seed S]
               musiclm codec encode --model CHECKPOINT --in AUDIO --out FILE.codes [--levels Q]
               musiclm codec decode --model CHECKPOINT --in FILE.codes --out AUDIO.wav [--levels Q]
        """;

    /// <summary><paramref name="args"/> are what follows <c>codec</c>: the subcommand and its options.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        try
        {
            var options = Parse(args[1..]);
            return args[0] switch
            {
                "train" => Train(options, stdout),
                "encode" => Encode(options, stdout),
                "decode" => Decode(options, stdout),
                _ => throw new UsageException($"unknown subcommand '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"musiclm codec: {e.Message}\n{Usage}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or IOException or TorchException or InvalidDataException or NotSupportedException)
        {
            stderr.WriteLine($"musiclm codec {args[0]}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static int Train(Dictionary<string, string?> o, TextWriter stdout)
    {
        Allow(o, "--data", "--out", "--preset", "--steps", "--minutes", "--resume", "--batch-size", "--segment", "--seed");
        var data = Required(o, "--data");
        var output = Required(o, "--out");
        int? steps = o.ContainsKey("--steps") ? Int(o, "--steps", 1) : null;
        TimeSpan? budget = o.ContainsKey("--minutes") ? TimeSpan.FromMinutes(Double(o, "--minutes")) : null;
        if (steps is null && budget is null) throw new UsageException("give --steps N or --minutes M");
        var resume = o.ContainsKey("--resume");

        var clips = CodecTrainer.LoadClips(data);
        CodecTrainer trainer;
        if (resume)
        {
            if (o.ContainsKey("--preset")) throw new UsageException("--preset cannot change a resumed run (the checkpoint has its codec)");
            var config = Adjust(CodecTrainer.ReadTrainerConfig(output), o) with { CheckpointPath = output };
            trainer = CodecTrainer.Resume(output, config);
            stdout.WriteLine($"resuming {output} at step {trainer.Step}");
        }
        else
        {
            var preset = o.GetValueOrDefault("--preset") ?? "course";
            var codecConfig = preset switch
            {
                "course" => CodecConfig.Course,
                "soundstream" => CodecConfig.SoundStream,
                "encodec24k" => CodecConfig.Encodec24k,
                _ => throw new UsageException($"unknown preset '{preset}' (course, soundstream or encodec24k)"),
            };
            var config = Adjust(new CodecTrainerConfig
            {
                Discriminator = preset == "course" ? DiscriminatorConfig.Course : DiscriminatorConfig.Encodec,
                CheckpointPath = output, ShowProgress = false,
            }, o);
            trainer = new CodecTrainer(new CodecModel(codecConfig), config);
        }
        using (trainer)
        {
            var m = trainer.Model;
            stdout.WriteLine($"codec: {CodesFile.NameOf(m.Config)}, {m.SampleRate} Hz, {m.FrameRate:0.##} frames/s, {m.Levels} levels × {m.CodebookSize} codes = {m.Bitrate() / 1000:0.##} kbps, {m.num_parameters():N0} parameters");
            stdout.WriteLine($"data: {clips.Count} clips, {clips.Sum(c => c.DurationSeconds):0.#} s");
            var result = trainer.Train(clips, steps, budget, new LogEvery(trainer.Config.LogEvery * 10, stdout));
            var last = result.Last;
            stdout.WriteLine($"trained {result.StepsRun} steps in {result.Elapsed.TotalSeconds:0.0} s (stopped by {result.StoppedBy}); step {result.FinalStep}" +
                             (last is null ? "" : $", mel {last.Mel:0.###}, l1 {last.L1:0.####}"));
            var eval = trainer.Evaluate(clips.Take(4).ToList());
            stdout.WriteLine($"reconstruction at {eval.BitrateBps / 1000:0.##} kbps: mel distance {eval.MelDistance:0.###}, SI-SNR {eval.SiSnrDb:0.0} dB");
            stdout.WriteLine($"checkpoint: {output}");
        }
        return 0;
    }

    private static CodecTrainerConfig Adjust(CodecTrainerConfig c, Dictionary<string, string?> o) => c with
    {
        BatchSize = o.ContainsKey("--batch-size") ? Int(o, "--batch-size", 1) : c.BatchSize,
        SegmentSeconds = o.ContainsKey("--segment") ? Double(o, "--segment") : c.SegmentSeconds,
        Seed = o.ContainsKey("--seed") ? Int(o, "--seed", 0) : c.Seed,
        ShowProgress = false,
    };

    private static int Encode(Dictionary<string, string?> o, TextWriter stdout)
    {
        Allow(o, "--model", "--in", "--out", "--levels");
        using var model = LoadModel(Required(o, "--model"));
        var clip = AudioFile.Read(Required(o, "--in"));
        var levels = o.ContainsKey("--levels") ? Int(o, "--levels", 1) : model.Levels;
        if (levels > model.Levels) throw new ArgumentException($"--levels must be at most {model.Levels} for this codec, got {levels}");
        var mono = Mono(clip.SampleRate == model.SampleRate ? clip : Resampler.Resample(clip, model.SampleRate));
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(mono).view(1, 1, mono.Length);                   // (1, 1, T)
        var codes = model.EncodeChunked(x, levels: levels);                    // (1, Q, F)
        var file = CodesFile.FromTensor(codes, model, mono.Length);
        var outPath = Required(o, "--out");
        file.Write(outPath);
        stdout.WriteLine($"{outPath}: {file.Levels} levels × {file.Frames} frames ({file.FrameRate:0.##} frames/s, {model.Bitrate(levels) / 1000:0.##} kbps) for {file.DurationSeconds:0.###} s");
        return 0;
    }

    private static int Decode(Dictionary<string, string?> o, TextWriter stdout)
    {
        Allow(o, "--model", "--in", "--out", "--levels");
        using var model = LoadModel(Required(o, "--model"));
        var file = CodesFile.Read(Required(o, "--in"));
        file.CheckCompatible(model);
        var levels = o.ContainsKey("--levels") ? Int(o, "--levels", 1) : file.Levels;
        if (levels > file.Levels) throw new ArgumentException($"--levels must be at most {file.Levels} (the levels in the file), got {levels}");
        using var scope = torch.NewDisposeScope();
        var audio = model.DecodeChunked(file.ToTensor(), levels: levels);      // (1, 1, F · hop)
        var len = Math.Min(audio.size(-1), file.OriginalSamples);
        var clip = AudioTensor.FromTensor(audio.select(0, 0).narrow(-1, 0, len).clamp(-1, 1), model.SampleRate);
        var outPath = Required(o, "--out");
        WavFile.Write(outPath, clip);
        stdout.WriteLine($"{outPath}: {clip.DurationSeconds:0.###} s at {model.SampleRate} Hz from {levels} levels ({model.Bitrate(levels) / 1000:0.##} kbps)");
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

    private static Dictionary<string, string?> Parse(string[] args)
    {
        var o = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--")) throw new UsageException($"unexpected argument '{a}'");
            if (a == "--resume") { o[a] = null; continue; }
            if (i + 1 >= args.Length) throw new UsageException($"{a} needs a value");
            o[a] = args[++i];
        }
        return o;
    }

    private static void Allow(Dictionary<string, string?> o, params string[] names)
    {
        foreach (var k in o.Keys) if (!names.Contains(k)) throw new UsageException($"unknown option {k}");
    }

    private static string Required(Dictionary<string, string?> o, string name) =>
        o.TryGetValue(name, out var v) && v is not null ? v : throw new UsageException($"{name} is required");

    private static int Int(Dictionary<string, string?> o, string name, int min) =>
        int.TryParse(o[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min ? v
            : throw new UsageException($"{name} must be an integer ≥ {min}, got '{o[name]}'");

    private static double Double(Dictionary<string, string?> o, string name) =>
        double.TryParse(o[name], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v
            : throw new UsageException($"{name} must be a positive number, got '{o[name]}'");

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>Prints every n-th step (synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class LogEvery(int n, TextWriter w) : IProgress<CodecTrainingStep>
    {
        public void Report(CodecTrainingStep s)
        {
            if (s.Step % n != 0) return;
            w.WriteLine($"step {s.Step,6}  {s.Elapsed.TotalSeconds,7:0.0} s  mel {s.Mel:0.###}  l1 {s.L1:0.####}  adv {s.Adversarial:0.###}  disc {s.Discriminator:0.###}  levels {s.Levels}  perplexity {s.Perplexity:0.#}");
        }
    }
}
