using MusicLM.Torch;

namespace MusicLM.Audio.Tests.IO;

public class AudioEditTests
{
    private static readonly AudioClip Stereo = new(new float[,] { { 1, 2, 3, 4 }, { 3, 4, 5, 6 } }, 4);

    [Fact]
    public void Mono_is_the_average_of_the_channels()
    {
        Assert.Equal(new float[] { 2, 3, 4, 5 }, Stereo.ToMono().Channel(0));
    }

    [Fact]
    public void Crop_and_pad_by_frames_and_seconds()
    {
        Assert.Equal(new float[] { 4, 5 }, Stereo.Crop(1, 2).Channel(1));
        Assert.Equal(new float[] { 3, 4 }, Stereo.CropSeconds(0.5, 0.5).Channel(0));
        Assert.Equal(new float[] { 3, 4, 5, 6, 0, 0 }, Stereo.PadOrCrop(6).Channel(1));
        Assert.Equal(new float[] { 1, 2 }, Stereo.PadOrCropSeconds(0.5).Channel(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Stereo.Crop(3, 2));
    }

    [Fact]
    public void Clip_to_tensor_and_back_keeps_shape_and_values()
    {
        using var t = Stereo.ToTensor();
        Assert.Equal(new long[] { 2, 4 }, t.shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 3, 4, 5, 6 }, t.ToArray<float>());
        var back = AudioTensor.FromTensor(t, 4);
        Assert.Equal(Stereo.Samples, back.Samples);

        using var d = torch.tensor(new double[] { 0.5, -0.25 }, 2);
        var mono = AudioTensor.FromTensor(d, 16000);
        Assert.Equal((1, 2, 16000), (mono.Channels, mono.Frames, mono.SampleRate));
        Assert.Equal(new[] { 0.5f, -0.25f }, mono.Channel(0));
    }
}
