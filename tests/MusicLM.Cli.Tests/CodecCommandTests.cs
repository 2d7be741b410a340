using MusicLM.Audio;
using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;
using MusicLM.Cli.Commands;
using MusicLM.Codec;
using MusicLM.Codec.Training;
using MusicLM.Torch;

namespace MusicLM.Cli.Tests;

/// <summary>Training reseeds the engine's process-wide generator, so these tests do not run beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CodecCommandCollection
{
    public const string Name = "codec command (serial)";
}

[Collection(CodecCommandCollection.Name)]
public sealed class CodecCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cli-codec-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = CodecCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A tiny codec (4 levels × 32 codes at 16 kHz, 50 frames/s) trained for a few steps, saved as a training checkpoint.</summary>
    private string TinyModel()
    {
        torch.manual_seed(1);
        var config = new CodecConfig
        {
            SampleRate = 16000, Seanet = SeanetConfig.Course with { NFilters = 4, Dimension = 16 }, CodebookSize = 32,
            TargetBandwidths = new[] { 0.5, 1.0 }, KmeansIters = 5,
        };
        var path = Path.Combine(dir, "tiny.safetensors");
        using var model = new CodecModel(config);
        using var trainer = new CodecTrainer(model, CodecTrainerConfig.Quick with
        {
            Discriminator = new DiscriminatorConfig { NFfts = new[] { 256, 512, 128 }, Filters = 4 }, CheckpointPath = path,
        });
        trainer.Train(new[] { SyntheticMusic.Generate(5, 16000, 1.0).Audio }, steps: 4);
        return path;
    }

    private string Wav(double seconds, int sampleRate = 16000)
    {
        var path = Path.Combine(dir, "in.wav");
        WavFile.Write(path, SyntheticMusic.Generate(7, sampleRate, seconds).Audio);
        return path;
    }

    [Fact]
    public void Encode_then_decode_round_trips_through_a_codes_file()
    {
        var model = TinyModel();
        var input = Wav(0.55);                                     // 8800 samples → ⌈8800 / 320⌉ = 28 frames
        var codes = Path.Combine(dir, "in.codes");
        var (code, output, err) = Run("encode", "--model", model, "--in", input, "--out", codes);
        Assert.True(code == 0, err);
        Assert.Contains("4 levels × 28 frames", output);
        var file = CodesFile.Read(codes);
        Assert.Equal((4, 28L, 8800L, 32, "custom"), (file.Levels, file.Frames, file.OriginalSamples, file.CodebookSize, file.CodecName));

        var wav = Path.Combine(dir, "out.wav");
        (code, output, err) = Run("decode", "--model", model, "--in", codes, "--out", wav, "--levels", "2");
        Assert.True(code == 0, err);
        Assert.Contains("from 2 levels", output);
        var clip = AudioFile.Read(wav);
        Assert.Equal((16000, 1, 8800), (clip.SampleRate, clip.Channels, clip.Frames));
        Assert.True(clip.Channel(0).Any(s => s != 0));

        // Fewer levels at encode time: the file holds only those.
        (code, _, err) = Run("encode", "--model", model, "--in", input, "--out", codes, "--levels", "1");
        Assert.True(code == 0, err);
        Assert.Equal(1, CodesFile.Read(codes).Levels);
        (code, _, err) = Run("decode", "--model", model, "--in", codes, "--out", wav, "--levels", "3");
        Assert.Equal(1, code);
        Assert.Contains("--levels must be at most 1", err);
    }

    [Fact]
    public void Chunked_coding_reports_every_chunk_and_matches_unchunked_coding()
    {
        var path = TinyModel();
        using var model = CodecModel.Load(path);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var x = torch.tensor(SyntheticMusic.Generate(3, 16000, 12.0).Audio.Channel(0)).view(1, 1, -1);  // 600 frames: 3 chunks
        var reports = new List<(long, long)>();
        var codes = model.EncodeChunked(x, levels: 3, progress: (d, t) => reports.Add((d, t)));
        Assert.True(codes.equal(model.Encode(x, 3)));                          // a convolutional codec: the same codes
        Assert.Equal(new[] { (250L, 600L), (500L, 600L), (600L, 600L) }, reports);
        reports.Clear();
        var audio = model.DecodeChunked(codes, levels: 2, progress: (d, t) => reports.Add((d, t)));
        Assert.True(audio.allclose(model.DecodeChunked(codes, levels: 2), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(new[] { (250L, 600L), (500L, 600L), (600L, 600L) }, reports);
    }

    [Fact]
    public void Encode_draws_progress_on_a_fake_terminal_only()
    {
        var model = TinyModel();
        var input = Wav(6.0);                                      // 300 frames: 2 chunks
        var codes = Path.Combine(dir, "in.codes");
        foreach (var terminal in new[] { true, false })
        {
            var o = new StringWriter();
            var e = new StringWriter();
            Assert.Equal(0, Cli.Run(["codec", "encode", "--model", model, "--in", input, "--out", codes], o, e, terminal));
            Assert.Contains("300 frames", o.ToString());
            if (terminal) Assert.Contains("\rcodec encode  300/300 frames [####################] 100%", e.ToString());
            else Assert.Equal("", e.ToString());
        }
    }

    [Fact]
    public void A_model_that_is_not_a_codec_checkpoint_is_one_line_and_exit_1()
    {
        var input = Wav(0.2);
        var bogus = Path.Combine(dir, "bogus.safetensors");
        File.WriteAllBytes(bogus, [8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x']);   // a header length, then broken JSON
        File.WriteAllText(Path.ChangeExtension(bogus, ".json"), "{\"SampleRate\": 16000}");
        var (code, output, err) = Run("encode", "--model", bogus, "--in", input, "--out", Path.Combine(dir, "b.codes"));
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("musiclm codec encode: ", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Encode_resamples_other_rates_and_decode_rejects_codes_of_another_codec()
    {
        var model = TinyModel();
        var input = Wav(0.5, sampleRate: 24000);
        var codes = Path.Combine(dir, "in.codes");
        var (code, _, err) = Run("encode", "--model", model, "--in", input, "--out", codes);
        Assert.True(code == 0, err);
        Assert.Equal(8000, CodesFile.Read(codes).OriginalSamples);

        using (var course = CodecModel.Course()) course.Save(Path.Combine(dir, "course.safetensors"));
        (code, _, err) = Run("decode", "--model", Path.Combine(dir, "course.safetensors"), "--in", codes, "--out", Path.Combine(dir, "x.wav"));
        Assert.Equal(1, code);
        Assert.Contains("do not belong to this codec", err);
    }

    [Fact]
    public void Malformed_codes_and_missing_options_are_reported()
    {
        var model = TinyModel();
        var bad = Path.Combine(dir, "bad.codes");
        File.WriteAllText(bad, "not codes at all, definitely not, no no no no no no no");
        var (code, _, err) = Run("decode", "--model", model, "--in", bad, "--out", Path.Combine(dir, "x.wav"));
        Assert.Equal(1, code);
        Assert.Contains("does not start with \"MLMCODES\"", err);

        (code, _, err) = Run("encode", "--model", model, "--out", bad);
        Assert.Equal(2, code);
        Assert.Contains("--in is required", err);
        (code, _, err) = Run("train", "--data", dir, "--out", Path.Combine(dir, "c.safetensors"));
        Assert.Equal(2, code);
        Assert.Contains("--steps N or --minutes M", err);
    }

    [Fact]
    public void Train_writes_a_checkpoint_and_log_and_resume_continues_the_step_count()
    {
        var data = Path.Combine(dir, "data");
        SyntheticDataset.Create(data, 2, seed: 3, sampleRate: 16000, durationS: 1.0);
        var ckpt = Path.Combine(dir, "course.safetensors");
        var (code, output, err) = Run("train", "--data", data, "--out", ckpt, "--steps", "2", "--batch-size", "1", "--segment", "0.25",
                                      "--lr", "2e-3", "--lr-final", "0.25");
        Assert.True(code == 0, err);
        var saved = CodecTrainer.ReadTrainerConfig(ckpt);
        Assert.Equal((2e-3, 0.25, 1, 0.25), (saved.LearningRate, saved.FinalLearningRateFraction, saved.BatchSize, saved.SegmentSeconds));
        Assert.Contains("codec: course, 16000 Hz, 50 frames/s, 8 levels × 256 codes = 3.2 kbps", output);
        Assert.Contains("trained 2 steps", output);
        Assert.Contains("step 2", output);
        Assert.True(File.Exists(ckpt) && File.Exists(Path.ChangeExtension(ckpt, ".json")) && File.Exists(Path.ChangeExtension(ckpt, ".log.csv")));

        // Resumed on a fake terminal: the progress line is drawn on stderr, stdout keeps the plain lines.
        var (o, e) = (new StringWriter(), new StringWriter());
        code = Cli.Run(["codec", "train", "--data", data, "--out", ckpt, "--steps", "1", "--resume"], o, e, terminal: true);
        (output, err) = (o.ToString(), e.ToString());
        Assert.True(code == 0, err);
        Assert.Contains("\rcodec train  1/1 steps [####################] 100%", err);
        Assert.DoesNotContain("\r", output);
        Assert.Contains("resuming", output);
        Assert.Contains("at step 2", output);
        Assert.Contains("trained 1 steps", output);
        Assert.Contains("step 3", output);
        var log = File.ReadAllLines(Path.ChangeExtension(ckpt, ".log.csv"));
        Assert.Equal(new[] { "2", "3" }, log.Skip(1).Select(l => l.Split(',')[0]));
    }
}
