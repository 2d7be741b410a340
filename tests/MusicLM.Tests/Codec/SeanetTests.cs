using MusicLM.Codec;
using MusicLM.Torch;

namespace MusicLM.Tests.Codec;

public class SeanetTests
{
    public static TheoryData<string> Presets => new() { "course", "soundstream", "encodec24k" };

    private static CodecModel Make(string preset) => preset switch
    {
        "course" => CodecModel.Course(),
        "soundstream" => CodecModel.SoundStream(),
        _ => CodecModel.Encodec24k(),
    };

    [Theory]
    [InlineData("course", 16000, 320, 50, 8, 256)]
    [InlineData("soundstream", 24000, 480, 50, 12, 1024)]
    [InlineData("encodec24k", 24000, 320, 75, 32, 1024)]
    public void Presets_have_the_published_rates_and_levels(string preset, int sampleRate, int hop, double frameRate, int levels, int k)
    {
        using var codec = Make(preset);
        Assert.Equal(sampleRate, codec.SampleRate);
        Assert.Equal(hop, codec.HopLength);
        Assert.Equal(frameRate, codec.FrameRate, 9);
        Assert.Equal(levels, codec.Levels);
        Assert.Equal(k, codec.CodebookSize);
        Assert.Equal(levels * Math.Log2(k) * frameRate, codec.Bitrate(), 6);
    }

    [Fact]
    public void Encodec24k_levels_follow_its_bandwidths()
    {
        var c = CodecConfig.Encodec24k;
        // EnCodec: n_q = bandwidth · 1000 / (75 Hz · 10 bits).
        Assert.Equal(new[] { 2, 4, 8, 16, 32 }, c.TargetBandwidths.Select(c.LevelsForBandwidth).ToArray());
        Assert.Equal(6000, c.Bitrate(8), 6);
        Assert.Equal(32, c.NumQuantizers);
        Assert.Equal(6000, CodecConfig.SoundStream.Bitrate(12), 6); // MusicLM: 12 levels at 6 kbps
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void One_second_of_audio_gives_ceil_T_over_hop_frames(string preset)
    {
        using var scope = torch.NewDisposeScope();
        using var codec = Make(preset);
        codec.eval();
        // 1 s, and 1 s plus 1 sample: a partial last frame is kept (EnCodec pads the last window).
        foreach (var t in new long[] { codec.SampleRate, codec.SampleRate + 1 })
        {
            var x = torch.randn(1, 1, t) * 0.1;
            var codes = codec.Encode(x, levels: 2);
            var expectedFrames = (long)Math.Ceiling((double)t / codec.HopLength);
            Assert.Equal(new[] { 1L, 2, expectedFrames }, codes.shape);
            Assert.Equal(ScalarType.Int64, codes.dtype);
            var y = codec.Decode(codes);
            Assert.Equal(new[] { 1L, 1, expectedFrames * codec.HopLength }, y.shape);
        }
        Assert.Equal(preset == "encodec24k" ? 75L : 50L, codec.FramesFor(codec.SampleRate));
    }

    [Theory]
    [InlineData("course")]
    [InlineData("soundstream")]
    public void Perturbing_one_sample_changes_the_frames_whose_receptive_field_covers_it(string preset)
    {
        using var scope = torch.NewDisposeScope();
        using var codec = Make(preset);
        codec.eval();
        codec.to(ScalarType.Float64);
        var rf = codec.ReceptiveField;
        long hop = codec.HopLength;
        var frames = 3 * (rf / hop + 2);
        var x = torch.randn(new[] { 1L, 1, frames * hop }, ScalarType.Float64) * 0.1;
        var p = frames / 2 * hop + hop / 3;
        var x2 = x.clone();
        x2[0, 0, p] = torch.tensor(1.0, ScalarType.Float64);
        using (torch.no_grad())
        {
            var diff = (codec.encoder.forward(x2) - codec.encoder.forward(x)).abs().amax(new[] { 0L, 1 }); // (F)
            var changed = diff.gt(1e-9).nonzero().flatten().ToArray<long>();
            // A window of rf samples sliding by hop covers a given sample ⌊rf / hop⌋ or ⌈rf / hop⌉ times.
            Assert.InRange(changed.Length, rf / hop, (rf + hop - 1) / hop);
            Assert.Equal(changed.Length, changed[^1] - changed[0] + 1); // contiguous
            var own = p / hop;
            if (codec.Config.Seanet.Causal) Assert.Equal(own, changed[0]); // nothing before its own frame
            else Assert.Contains(own, changed);
        }
    }

    [Fact]
    public void Encodec24k_is_causal_and_its_LSTM_carries_a_change_to_every_later_frame()
    {
        using var scope = torch.NewDisposeScope();
        using var codec = CodecModel.Encodec24k();
        codec.eval();
        codec.to(ScalarType.Float64);
        // Reflect padding mirrors the first samples into the left pad, so the first frames also see a little
        // of what follows them; perturb a sample well past that reach.
        long hop = codec.HopLength, own = codec.ReceptiveField / hop + 8, frames = own + 6;
        var x = torch.randn(new[] { 1L, 1, frames * hop }, ScalarType.Float64) * 0.1;
        var p = own * hop + 7;
        var x2 = x.clone();
        x2[0, 0, p] = torch.tensor(1.0, ScalarType.Float64);
        using (torch.no_grad())
        {
            var diff = (codec.encoder.forward(x2) - codec.encoder.forward(x)).abs().amax(new[] { 0L, 1 });
            var changed = diff.gt(1e-9).nonzero().flatten().ToArray<long>();
            Assert.Equal(Enumerable.Range((int)own, (int)(frames - own)).Select(i => (long)i).ToArray(), changed);
        }
    }

    [Fact]
    public void Course_preset_is_small_enough_for_a_laptop()
    {
        using var codec = CodecModel.Course();
        var n = codec.num_parameters();
        Assert.InRange(n, 500_000, 2_000_000);
    }
}
