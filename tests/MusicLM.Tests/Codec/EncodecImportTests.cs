using System.Text.Json;
using MusicLM.Codec;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;

namespace MusicLM.Tests.Codec;

/// <summary>
/// EnCodec 24 kHz against an independent PyTorch re-implementation of its module layout
/// (encodec_reference.py: nn.Conv1d with torch.nn.utils.weight_norm, nn.LSTM over (T, B, C), EnCodec's nesting).
/// </summary>
public class EncodecImportTests
{
    private static readonly string Script = ReferencePython.TestFile("Codec/encodec_reference.py");

    [Fact]
    public void Encodec24k_state_dict_keys_shapes_and_parameter_count_equal_the_PyTorch_layout()
    {
        using var doc = JsonDocument.Parse(ReferencePython.RunOk(Script, "keys"));
        var expected = doc.RootElement.GetProperty("keys").EnumerateObject()
            .ToDictionary(p => p.Name, p => string.Join(",", p.Value.EnumerateArray().Select(e => e.GetInt64())));
        using var codec = CodecModel.Encodec24k();
        var actual = codec.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));

        Assert.Empty(expected.Keys.Except(actual.Keys));  // missing in C#
        Assert.Empty(actual.Keys.Except(expected.Keys));  // unexpected in C#
        foreach (var (k, shape) in expected) Assert.True(shape == actual[k], $"{k}: PyTorch [{shape}], C# [{actual[k]}]");
        Assert.Equal(doc.RootElement.GetProperty("parameters").GetInt64(), codec.num_parameters());
        Assert.Contains("encoder.model.13.lstm.weight_ih_l0", actual.Keys);
        Assert.Contains("decoder.model.3.convtr.convtr.weight_g", actual.Keys);
        Assert.Contains("quantizer.vq.layers.31._codebook.embed_avg", actual.Keys);
    }

    [Fact]
    public void Imported_weights_encode_to_the_same_codes_and_decode_to_the_same_audio_as_PyTorch()
    {
        using var dir = new TempDir();
        ReferencePython.RunOk(Script, "roundtrip", dir.Path);
        using var scope = torch.NewDisposeScope();
        var io = TorchCheckpoint.LoadStateDict(dir.File("io.th"));
        using var codec = EncodecImport.Load(dir.File("model.th"));
        Assert.False(codec.training);

        // float32 as shipped: decoding PyTorch's codes is deterministic, so the audio must agree closely.
        var codes32 = io["codes32"];
        Assert.Equal(new[] { 2L, 32, 16 }, codes32.shape); // ⌈4837 / 320⌉ = 16 frames
        var y32 = codec.Decode(codes32);
        Assert.Equal(io["output32"].shape, y32.shape);
        AssertClose(io["output32"], y32, 1e-4);

        // float64 on both sides: no near-ties in the nearest-neighbour search, so every code must match.
        codec.to(ScalarType.Float64);
        var codes = codec.Encode(io["input"].to(ScalarType.Float64));
        Assert.Equal(io["codes"].shape, codes.shape);
        var mismatches = codes.ne(io["codes"]).sum().item();
        Assert.True(mismatches == 0, $"{mismatches} of {codes.numel()} codes differ from PyTorch's");
        Assert.True(codes.select(1, 0).flatten().ToArray<long>().Distinct().Count() > 5, "level-1 codes should spread over the codebook");
        var y = codec.Decode(codes);
        AssertClose(io["output"], y, 1e-8);
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused_with_the_missing_and_unexpected_keys()
    {
        using var dir = new TempDir();
        var path = dir.File("other.th");
        File.WriteAllText(dir.File("make.py"), $"import torch\ntorch.save({{'encoder.model.0.conv.conv.bias': torch.zeros(32), 'foo.weight': torch.zeros(3)}}, {JsonSerializer.Serialize(path)})\n");
        ReferencePython.RunOk(dir.File("make.py"));
        var ex = Assert.Throws<ArgumentException>(() => EncodecImport.Load(path));
        Assert.Contains("unexpected key(s) [foo.weight]", ex.Message);
        Assert.Contains("251 missing key(s)", ex.Message); // EnCodec 24 kHz has 252 keys; one was given
        Assert.Contains("decoder.model.0.conv.conv.bias", ex.Message);
        Assert.Throws<FileNotFoundException>(() => EncodecImport.Load(dir.File("absent.th")));
    }

    private static void AssertClose(Tensor expected, Tensor actual, double atol)
    {
        using var e = expected.to(actual.dtype);
        using var d = (e - actual).abs().max();
        using var scale = e.abs().max();
        Assert.True(d.item() <= atol + 1e-4 * scale.item(), $"max |difference| {d.item():E3} (max |expected| {scale.item():E3})");
    }
}
