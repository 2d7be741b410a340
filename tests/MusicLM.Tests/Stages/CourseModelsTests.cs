using MusicLM.Codec;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Stages;
using MusicLM.Torch.Serialization;
using Xunit.Abstractions;

namespace MusicLM.Tests.Stages;

/// <summary>
/// The fallbacks train the course architectures for a tiny budget under a temporary data root (passed as
/// <c>dataRoot</c>, so MUSICLM_DATA and other tests are untouched). Training reseeds the engine's process-wide
/// generator, so these run alone.
/// </summary>
[Collection(Codec.Training.TrainingCollection.Name)]
public class CourseModelsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    // The layout the notebooks save to (notebooks 02, 03, 04: DataFolder.For(name)/course.safetensors).
    private static string Expected(TempDir root, string folder) => Path.Combine(root.Path, folder, "course.safetensors");

    [Fact]
    public void A_missing_codec_is_trained_and_saved_then_the_saved_one_is_loaded()
    {
        using var root = new TempDir();
        var path = Expected(root, "codec");
        var log = new List<string>();
        using var trained = CourseModels.Codec(Budget, log.Add, root.Path);
        log.ForEach(output.WriteLine);
        Assert.True(File.Exists(path), $"nothing saved at {path}");
        Assert.StartsWith($"no codec at {path}: training one for", log[0]);
        Assert.Contains("notebook 02 trains a better one", log[0]);
        Assert.Contains(log, l => l.StartsWith("trained a codec for") && l.EndsWith(path));
        Assert.Equal((CodecConfig.Course.SampleRate, CodecConfig.Course.NumQuantizers, CodecConfig.Course.CodebookSize), (trained.SampleRate, trained.Levels, trained.CodebookSize));
        Assert.False(trained.training);

        log.Clear();
        using var loaded = CourseModels.Codec(Budget, log.Add, root.Path);
        Assert.Equal(new[] { $"using notebook 02's codec: {path}" }, log);
        AssertSameWeights(trained, loaded);
        // Saved as a training checkpoint, so notebook 02 can resume it.
        using var resumed = MusicLM.Codec.Training.CodecTrainer.Resume(path);
        Assert.True(resumed.Step >= 1);
    }

    [Fact]
    public void A_missing_semantic_tokenizer_is_fitted_and_saved_then_the_saved_one_is_loaded()
    {
        using var root = new TempDir();
        var path = Expected(root, "semantic");
        var log = new List<string>();
        using var fitted = CourseModels.Semantic(Budget, log.Add, root.Path);
        log.ForEach(output.WriteLine);
        Assert.True(File.Exists(path));
        Assert.StartsWith($"no semantic tokenizer at {path}: fitting one for", log[0]);
        Assert.Equal(SemanticTokenizerConfig.Quick.Clusters, fitted.VocabularySize);

        log.Clear();
        using var loaded = CourseModels.Semantic(Budget, log.Add, root.Path);
        Assert.Equal(new[] { $"using notebook 03's semantic tokenizer: {path}" }, log);
        AssertSameWeights(fitted, loaded);
    }

    [Fact]
    public void A_missing_MuLan_is_trained_with_its_quantizer_fitted_and_saved_then_the_saved_one_is_loaded()
    {
        using var root = new TempDir();
        var path = Expected(root, "mulan");
        var log = new List<string>();
        using var trained = CourseModels.MuLan(Budget, log.Add, root.Path);
        log.ForEach(output.WriteLine);
        Assert.True(File.Exists(path));
        Assert.StartsWith($"no MuLan at {path}: training one for", log[0]);
        Assert.True(trained.quantizer.IsFitted, "the conditioning quantizer must be fitted: the stages need its tokens");

        log.Clear();
        using var loaded = CourseModels.MuLan(Budget, log.Add, root.Path);
        Assert.Equal(new[] { $"using notebook 04's MuLan: {path}" }, log);
        AssertSameWeights(trained, loaded);
        Assert.Equal(12, loaded.quantizer.Levels);
    }

    [Fact]
    public void A_corrupt_checkpoint_is_reported_and_left_alone()
    {
        using var root = new TempDir();
        foreach (var (folder, load) in new (string, Action)[]
        {
            ("codec", () => CourseModels.Codec(Budget, dataRoot: root.Path).Dispose()),
            ("semantic", () => CourseModels.Semantic(Budget, dataRoot: root.Path).Dispose()),
            ("mulan", () => CourseModels.MuLan(Budget, dataRoot: root.Path).Dispose()),
        })
        {
            var path = Expected(root, folder);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var garbage = Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray();
            File.WriteAllBytes(path, garbage);
            Assert.Throws<CheckpointFormatException>(load);
            Assert.Equal(garbage, File.ReadAllBytes(path));
        }
    }

    private static void AssertSameWeights(MusicLM.Torch.nn.Module a, MusicLM.Torch.nn.Module b)
    {
        var sa = a.state_dict();
        var sb = b.state_dict();
        Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
        foreach (var (k, t) in sa) Assert.True(t.ToBytes().AsSpan().SequenceEqual(sb[k].ToBytes()), $"'{k}' differs after loading");
    }
}
