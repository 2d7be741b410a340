using MusicLM.MuLan;
using MusicLM.Torch;
using Xunit.Abstractions;

namespace MusicLM.Tests.MuLan;

/// <summary>Issue 11: MuLan follows its device. CPU checks always; the CUDA comparison only where a GPU is.</summary>
public class MuLanDeviceTests(ITestOutputHelper output)
{
    private static readonly List<MuLanExample> Examples = TinyMuLan.Clips(6, seconds: 1).Select(MuLanExample.From).ToList();
    private static readonly CaptionTokenizer Tokenizer = TinyMuLan.Tokenizer();
    private static readonly MuLanTrainerConfig Config = MuLanTrainerConfig.Quick with { BatchSize = 4, Seed = 5 };

    /// <summary>A tiny model (text dropout off, so CPU and CUDA draw no different masks) trained 3 steps and its quantizer fitted.</summary>
    private static (double[] Losses, float[] Text, float[] Audio, long[] Tokens) Train(MuLanModel model, MuLanTrainerConfig config)
    {
        using var trainer = new MuLanTrainer(model, config);
        var features = MuLanFeatures.Compute(model, Examples);
        try
        {
            var losses = trainer.Train(features, steps: 3).History.Select(h => h.Loss).ToArray();
            trainer.FitQuantizer(features, cropsPerClip: 1);
            using var scope = torch.NewDisposeScope();
            var text = model.EmbedText(Examples.Select(e => e.Caption).ToList());            // (N, E) on the model's device
            var audio = model.EmbedFeatures(features.Select(f => f.Mel).ToList());          // (N, E)
            Assert.Equal(model.Device, text.device);
            Assert.Equal(model.Device, audio.device);
            return (losses, text.ToArray<float>(), audio.ToArray<float>(), model.Tokens(audio).ToArray<long>());
        }
        finally { foreach (var f in features) f.Mel.Dispose(); }
    }

    private static MuLanModel Model()
    {
        var config = MuLanConfig.Tiny(Tokenizer.VocabSize, Tokenizer.MaxLength);
        torch.manual_seed(4);
        return new MuLanModel(config with { Text = config.Text with { Dropout = 0 } }, Tokenizer);
    }

    [Fact]
    public void An_explicit_CPU_device_trains_the_same_model_as_none()
    {
        using var a = Model();
        using var b = Model();
        var none = Train(a, Config);
        var cpu = Train(b, Config with { Device = Device.CPU });
        Assert.Equal(none.Losses, cpu.Losses);
        Assert.Equal(none.Text, cpu.Text);
        Assert.Equal(none.Audio, cpu.Audio);
        Assert.Equal(none.Tokens, cpu.Tokens);
    }

    [Fact]
    public void Device_reports_where_the_model_is_and_a_loaded_one_is_on_the_CPU()
    {
        using var model = Model();
        Assert.Equal(Device.CPU, model.Device);
        Assert.Equal(Device.CPU, model.quantizer.Device);
        using var dir = new TempDir();
        var path = dir.File("mulan.safetensors");
        using (var trainer = new MuLanTrainer(model, Config with { Device = Device.CPU, CheckpointPath = path }))
            trainer.Train(Examples, steps: 1);
        Assert.DoesNotContain("Device", File.ReadAllText(MuLanTrainer.TrainerConfigPath(path)));   // where to run is not saved
        using var loaded = MuLanModel.Load(path);
        Assert.Equal(Device.CPU, loaded.Device);
        using var resumed = MuLanTrainer.Resume(path);
        Assert.Null(resumed.Config.Device);
        Assert.Equal(Device.CPU, resumed.Model.Device);
    }

    [Fact]
    public void Training_on_CUDA_matches_the_CPU_run_within_rounding()
    {
        if (!torch.cuda.is_available())
        {
            output.WriteLine("no CUDA device here (torch.cuda.is_available() is false): the CPU checks above cover this machine");
            return;
        }
        var cuda = Device.CUDA();
        using var cpuModel = Model();
        using var gpuModel = Model();                                          // the same initial weights, drawn on the CPU
        var cpu = Train(cpuModel, Config);
        var gpu = Train(gpuModel, Config with { Device = cuda });
        Assert.Equal(cuda, gpuModel.Device);
        Assert.Equal(cuda, gpuModel.quantizer.Device);
        output.WriteLine($"losses CPU [{string.Join(", ", cpu.Losses.Select(l => l.ToString("0.0000")))}], CUDA [{string.Join(", ", gpu.Losses.Select(l => l.ToString("0.0000")))}]");
        for (var i = 0; i < cpu.Losses.Length; i++) Assert.Equal(cpu.Losses[i], gpu.Losses[i], 2e-3);
        var textDiff = cpu.Text.Zip(gpu.Text).Max(p => Math.Abs(p.First - p.Second));
        var audioDiff = cpu.Audio.Zip(gpu.Audio).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"max |CPU − CUDA|: text {textDiff:g3}, audio {audioDiff:g3}");
        Assert.True(textDiff < 1e-2 && audioDiff < 1e-2, $"embeddings differ by {textDiff} (text), {audioDiff} (audio)");

        // Saved from CUDA, loaded on the CPU: the same weights.
        using var dir = new TempDir();
        var path = dir.File("mulan.safetensors");
        gpuModel.Save(path);
        using var loaded = MuLanModel.Load(path);
        Assert.Equal(Device.CPU, loaded.Device);
        using var scope = torch.NewDisposeScope();
        var back = loaded.EmbedText(Examples.Select(e => e.Caption).ToList()).ToArray<float>();
        Assert.True(back.Zip(gpu.Text).Max(p => Math.Abs(p.First - p.Second)) < 1e-4, "a CUDA checkpoint loaded on the CPU embeds differently");
    }
}
