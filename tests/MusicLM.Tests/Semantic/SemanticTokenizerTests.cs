using MusicLM.Audio;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.Semantic;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;

namespace MusicLM.Tests.Semantic;

/// <summary>One quick tokenizer (iteration 1) fitted on four 4-second synthetic clips, shared by the tests.</summary>
public sealed class QuickTokenizer : IDisposable
{
    public static readonly SemanticTokenizerConfig Config = SemanticTokenizerConfig.Quick with { Seed = 3 };

    public static IReadOnlyList<AudioClip> TrainingClips() =>
        Enumerable.Range(0, 4).Select(i => SyntheticMusic.Generate(100 + i, 16000, 4.0).Audio).ToList();

    public QuickTokenizer() => Tokenizer = SemanticTokenizer.Fit(TrainingClips(), Config);

    public SemanticTokenizer Tokenizer { get; }
    /// <summary>A held-out clip (never used for fitting), 3.3 s: ⌈52800 / 640⌉ = 83 tokens.</summary>
    public AudioClip HeldOut { get; } = SyntheticMusic.Generate(1_000_001, 16000, 3.3).Audio;

    public void Dispose() => Tokenizer.Dispose();
}

public class SemanticTokenizerTests : IClassFixture<QuickTokenizer>
{
    private readonly QuickTokenizer quick;

    public SemanticTokenizerTests(QuickTokenizer quick) => this.quick = quick;

    private SemanticTokenizer Tok => quick.Tokenizer;

    [Fact]
    public void Fit_reaches_iteration_1_and_reports_what_it_did()
    {
        Assert.Equal(1, Tok.Iteration);
        Assert.Equal(32, Tok.VocabularySize);
        Assert.Equal(25.0, Tok.FrameRate);
        var r = Tok.Report!;
        Assert.Equal((1, 4, 400L, "done"), (r.Iteration, r.Clips, r.Frames, r.StoppedBy));
        Assert.Equal(30, r.Training.Count);
        Assert.True(r.Training.TakeLast(5).Average(s => s.Loss) < r.Training.Take(5).Average(s => s.Loss), "the masked loss should fall");
        Assert.NotEmpty(r.Iteration0Inertia);
        Assert.NotEmpty(r.Iteration1Inertia);
    }

    [Fact]
    public void Tokens_are_at_25_Hz_with_a_partial_last_frame_counted()
    {
        foreach (var it in new[] { 0, 1 })
        {
            var tokens = Tok.Tokenize(quick.HeldOut, it);
            Assert.Equal(83, tokens.Length);
            Assert.All(tokens, t => Assert.InRange(t, 0, Tok.VocabularySize - 1));
        }
        Assert.Equal(83, Tok.FramesFor(52800));
        // Repeats are kept (no unique_consecutive): the count depends only on the duration.
        Assert.Equal(Tok.FramesFor(52800), Tok.Tokenize(quick.HeldOut).Length);
    }

    [Fact]
    public void A_batch_gives_B_by_T_int64_tokens()
    {
        var s = quick.HeldOut.Channel(0);
        using var x = torch.tensor(s.Concat(s).ToArray(), 2, 1, s.Length);
        using var tokens = Tok.Tokenize(x);
        Assert.Equal(new long[] { 2, 83 }, tokens.shape);
        Assert.Equal(ScalarType.Int64, tokens.dtype);
        Assert.Equal(tokens.select(0, 0).ToArray<long>(), tokens.select(0, 1).ToArray<long>());
    }

    [Fact]
    public void Long_audio_goes_through_the_encoder_in_windows()
    {
        // The quick config trains on crops of 50 frames; beyond 4 crops (8 s) the encoder runs in windows of 2 crops.
        var clip = SyntheticMusic.Generate(1_000_004, 16000, 12.3).Audio;           // 196800 samples → 308 tokens
        var tokens = Tok.Tokenize(clip, 1);
        Assert.Equal(308, tokens.Length);
        Assert.All(tokens, t => Assert.InRange(t, 0, Tok.VocabularySize - 1));
        using var v = Tok.FrameVectors(clip, 1);
        Assert.Equal(new long[] { 308, QuickTokenizer.Config.MaskedPrediction.Width }, v.shape);
        // Away from window edges the windowed encoder sees enough context to agree with a shorter clip's tokens
        // on most frames (the first 4 s: frames 0–99, inside the first window's core).
        var head = Tok.Tokenize(new AudioClip(clip.Channel(0)[..64000], 16000), 1);
        Assert.True(head.Take(90).Zip(tokens).Count(p => p.First == p.Second) >= 60, "windowed tokens disagree with the unwindowed ones");
    }

    [Fact]
    public void Iteration_0_tokens_stay_available_and_differ_from_iteration_1()
    {
        var t0 = Tok.TokenizeIteration0(quick.HeldOut);
        Assert.Equal(Tok.Tokenize(quick.HeldOut, 0), t0);
        Assert.NotEqual(t0, Tok.Tokenize(quick.HeldOut, 1));
        Assert.Throws<ArgumentException>(() => Tok.Tokenize(quick.HeldOut, 2));
        using var v0 = Tok.FrameVectors(quick.HeldOut, 0);
        using var v1 = Tok.FrameVectors(quick.HeldOut, 1);
        Assert.Equal(new long[] { 83, QuickTokenizer.Config.Features.Dim }, v0.shape);
        Assert.Equal(new long[] { 83, QuickTokenizer.Config.MaskedPrediction.Width }, v1.shape);
    }

    [Fact]
    public void Fitting_twice_with_one_seed_gives_the_same_tokens()
    {
        using var again = SemanticTokenizer.Fit(QuickTokenizer.TrainingClips(), QuickTokenizer.Config);
        Assert.Equal(Tok.Tokenize(quick.HeldOut, 0), again.Tokenize(quick.HeldOut, 0));
        Assert.Equal(Tok.Tokenize(quick.HeldOut, 1), again.Tokenize(quick.HeldOut, 1));
    }

    [Fact]
    public void Save_then_load_gives_bit_identical_tokens()
    {
        using var dir = new TempDir();
        var path = dir.File("semantic.safetensors");
        Tok.Save(path);
        Assert.True(File.Exists(dir.File("semantic.json")));
        using var loaded = SemanticTokenizer.Load(path);
        Assert.Equal((1, 32), (loaded.Iteration, loaded.VocabularySize));
        Assert.Null(loaded.Report);
        foreach (var it in new[] { 0, 1 })
            Assert.Equal(Tok.Tokenize(quick.HeldOut, it), loaded.Tokenize(quick.HeldOut, it));
    }

    [Fact]
    public void Silence_gives_one_repeated_token_and_no_NaN()
    {
        var silence = new AudioClip(new float[16000], 16000);
        foreach (var it in new[] { 0, 1 })
        {
            var tokens = Tok.Tokenize(silence, it);
            Assert.Equal(25, tokens.Length);
            Assert.Single(tokens.Distinct());
            using var v = Tok.FrameVectors(silence, it);
            using var finite = v.isfinite().all();
            Assert.Equal(1, finite.item());
        }
    }

    [Fact]
    public void Clips_at_other_rates_are_resampled_but_tensors_must_be_at_16_kHz()
    {
        var at22k = SyntheticMusic.Generate(1_000_002, 22050, 2.0).Audio;          // 44100 samples → 32000 at 16 kHz → 50 tokens
        Assert.Equal(50, Tok.Tokenize(at22k).Length);
        var stereo = SyntheticMusic.Generate(1_000_003, 16000, 1.0, stereo: true).Audio;
        Assert.Equal(25, Tok.Tokenize(stereo).Length);
        using var x = torch.zeros(1, 1, 22050);
        var ex = Assert.Throws<ArgumentException>(() => Tok.Tokenize(x, sampleRate: 22050));
        Assert.Contains("16000 Hz", ex.Message);
    }

    [Fact]
    public void Empty_or_misshapen_audio_is_rejected()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Tok.Tokenize(new AudioClip(new float[0], 16000))).Message);
        using var empty = torch.zeros(1, 1, 0);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Tok.Tokenize(empty)).Message);
        using var flat = torch.zeros(1, 1000);
        Assert.Contains("(B, 1, S)", Assert.Throws<ArgumentException>(() => Tok.Tokenize(flat)).Message);
        Assert.Throws<ArgumentException>(() => SemanticTokenizer.Fit(Array.Empty<AudioClip>(), QuickTokenizer.Config));
        Assert.Contains("too few", Assert.Throws<ArgumentException>(() =>
            SemanticTokenizer.Fit(new[] { new AudioClip(new float[6400], 16000) }, QuickTokenizer.Config)).Message);   // 10 frames, 32 clusters
    }

    [Fact]
    public void A_codec_checkpoint_is_not_taken_for_a_tokenizer()
    {
        using var dir = new TempDir();
        var path = dir.File("codec.safetensors");
        using (var codec = new CodecModel(CodecConfig.Course with { Seanet = SeanetConfig.Course with { NFilters = 2, Dimension = 8 }, CodebookSize = 16 }))
            codec.Save(path);
        var ex = Assert.Throws<CheckpointFormatException>(() => SemanticTokenizer.Load(path));
        Assert.Contains("not a semantic tokenizer", ex.Message);

        // Weights that do not match their config (a tokenizer's config beside the codec's weights).
        Tok.Save(dir.File("tok.safetensors"));
        File.Copy(dir.File("tok.json"), dir.File("codec.json"), overwrite: true);
        Assert.Contains("do not match", Assert.Throws<CheckpointFormatException>(() => SemanticTokenizer.Load(path)).Message);
        Assert.Throws<FileNotFoundException>(() => SemanticTokenizer.Load(dir.File("missing.safetensors")));
    }

    [Fact]
    public void A_budget_too_short_for_iteration_1_stops_after_iteration_0()
    {
        using var tok = SemanticTokenizer.Fit(QuickTokenizer.TrainingClips(), QuickTokenizer.Config, budget: TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, tok.Iteration);
        Assert.Equal("budget", tok.Report!.StoppedBy);
        Assert.Equal(83, tok.Tokenize(quick.HeldOut).Length);
        Assert.Throws<ArgumentException>(() => tok.Tokenize(quick.HeldOut, 1));
        // An iteration-0 tokenizer saves and loads too.
        using var dir = new TempDir();
        tok.Save(dir.File("t0.safetensors"));
        using var loaded = SemanticTokenizer.Load(dir.File("t0.safetensors"));
        Assert.Equal(tok.Tokenize(quick.HeldOut), loaded.Tokenize(quick.HeldOut));
    }
}
