using MusicLM.Audio;
using MusicLM.Codec;
using MusicLM.MuLan;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;

namespace MusicLM.Tests.MuLan;

public class MuLanModelTests
{
    private static void AssertUnitRows(Tensor e, int rows, int dim)
    {
        Assert.Equal(new long[] { rows, dim }, e.shape);
        using var norms = e.norm(2, -1);
        Assert.All(norms.ToArray<float>(), n => Assert.Equal(1.0, n, 4));
    }

    [Fact]
    public void Audio_and_text_embeddings_have_unit_norm_even_for_silence_and_odd_input()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TinyMuLan.Model();
        var clips = TinyMuLan.Clips(2, seconds: 1).Select(c => c.Audio).ToList();
        clips.Add(new AudioClip(new float[16000], 16000));                     // silence
        clips.Add(new AudioClip(new float[40], 16000));                        // shorter than one FFT window
        AssertUnitRows(model.EmbedAudio(clips), 4, model.EmbeddingDim);
        var huge = string.Join(" ", Enumerable.Repeat("fast techno with drums", 2500));   // 10,000 words: truncated
        AssertUnitRows(model.EmbedText(new[] { "a calm piano ballad", "Zebra ünïcode 🎹 words", huge }), 3, model.EmbeddingDim);
        Assert.Throws<ArgumentException>(() => model.EmbedText(new[] { "piano", "" }));
        Assert.Throws<ArgumentException>(() => model.EmbedAudio(new[] { new AudioClip(new float[0], 16000) }));
        Assert.Throws<ArgumentException>(() => model.EmbedAudio(torch.zeros(1, 7, 20)));   // wrong number of mel bands
    }

    [Fact]
    public void Audio_at_another_rate_or_in_stereo_is_resampled_and_mixed_to_mono()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TinyMuLan.Model();
        var clip = TinyMuLan.Clips(1, seconds: 1)[0].Audio;
        var at44 = Resampler.Resample(clip, 44100);
        var stereo = new AudioClip(new float[2, at44.Frames], 44100);
        for (var i = 0; i < at44.Frames; i++) stereo.Samples[0, i] = stereo.Samples[1, i] = at44.Samples[0, i];
        var e = model.EmbedAudio(new[] { clip, at44, stereo });               // (3, E)
        Assert.Equal(model.Features(clip).shape, model.Features(at44).shape);
        var cos = e.matmul(e.t()).ToArray<float>();
        Assert.True(cos[1] > 0.9, $"cosine of the 44.1 kHz copy to the 16 kHz original: {cos[1]}");   // resampled twice: close, not equal
        Assert.Equal(1.0, cos[1 * 3 + 2], 4);                                  // identical channels mix to the same mono
    }

    [Fact]
    public void Save_then_load_gives_identical_embeddings_and_tokens()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        using var model = TinyMuLan.Model(seed: 3);
        var clips = TinyMuLan.Clips(6, seconds: 1);
        var audio = model.EmbedAudio(clips.Select(c => c.Audio).ToList());
        model.quantizer.Fit(audio, seed: 1);
        var captions = clips.Select(c => c.Caption).ToList();
        var text = model.EmbedText(captions);
        var path = dir.File("mulan.safetensors");
        model.Save(path);
        Assert.True(File.Exists(MuLanModel.TokenizerPath(path)));

        using var back = MuLanModel.Load(path);
        Assert.True(back.EmbedAudio(clips.Select(c => c.Audio).ToList()).equal(audio));
        Assert.True(back.EmbedText(captions).equal(text));
        Assert.True(back.Tokens(text).equal(model.Tokens(text)));
        Assert.True(back.Tokens(audio).equal(model.Tokens(audio)));
        Assert.Equal(model.Temperature, back.Temperature, 6);
    }

    [Fact]
    public void Loading_a_codec_checkpoint_or_a_damaged_one_is_a_checkpoint_format_error()
    {
        using var dir = new TempDir();
        var codecPath = dir.File("codec.safetensors");
        using (var codec = new CodecModel(CodecConfig.Course)) codec.Save(codecPath);
        var ex = Assert.Throws<CheckpointFormatException>(() => MuLanModel.Load(codecPath));
        Assert.Contains("not of a MuLan model", ex.Message);

        var path = dir.File("mulan.safetensors");
        using (var model = TinyMuLan.Model()) model.Save(path);
        File.WriteAllText(MuLanModel.TokenizerPath(path), "{\"kind\": \"something else\"}");
        Assert.Throws<CheckpointFormatException>(() => MuLanModel.Load(path));
        File.Delete(MuLanModel.TokenizerPath(path));
        Assert.Throws<CheckpointFormatException>(() => MuLanModel.Load(path));
        Assert.Throws<FileNotFoundException>(() => MuLanModel.Load(dir.File("missing.safetensors")));
    }
}
