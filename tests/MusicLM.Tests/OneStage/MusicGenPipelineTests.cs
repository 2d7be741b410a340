using MusicLM.Generation;
using MusicLM.OneStage;
using MusicLM.Tests.Stages;
using MusicLM.Torch;

namespace MusicLM.Tests.OneStage;

/// <summary>The one-stage pipeline end to end on the tiny earlier models (codec, MuLan) and an untrained tiny one-stage model.</summary>
[Collection(Codec.Training.TrainingCollection.Name)]
public class MusicGenPipelineTests(TinyStageModels m) : IClassFixture<TinyStageModels>
{
    private MusicGenModel Model(ulong seed = 0)
    {
        torch.manual_seed(seed);
        var model = new MusicGenModel(MusicGen.CourseConfig(m.Codec, m.MuLan, quick: true));
        model.eval();
        return model;
    }

    [Fact]
    public void A_prompt_becomes_audio_of_the_requested_length_over_several_windows()
    {
        using var model = Model();
        var p = new MusicGen(m.Codec, m.MuLan, model);
        var events = new List<PipelineProgress>();
        // 1.3 s is 65 codec frames at 50 Hz: more than three windows of 20.
        var clip = p.Generate("a fast techno track with a saw lead in A minor", new GenerationSettings { Seconds = 1.3, Seed = 5 }, new Sync(events.Add));
        var frames = p.FramesFor(1.3);
        Assert.Equal((int)Math.Ceiling(1.3 * 16000 / m.Codec.HopLength), frames);
        Assert.Equal("MusicGen", clip.Model);
        Assert.Empty(clip.Semantic);
        Assert.Equal(m.Codec.Levels, clip.Codes.Length);
        Assert.All(clip.Codes, l => Assert.Equal(frames, l.Length));
        Assert.All(clip.Codes.SelectMany(l => l), c => Assert.InRange(c, 0, m.Codec.CodebookSize - 1));
        Assert.Equal((int)Math.Round(1.3 * 16000), clip.Audio.Frames);
        Assert.Contains(clip.Audio.Channel(0), x => x != 0);
        Assert.True(clip.Timings.OneStage > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, clip.Timings.Semantic);
        Assert.Contains(events, e => e.Stage == "one stage" && e.Done == e.Total);
        Assert.Contains("\"model\":\"MusicGen\"", clip.ToJson());
        Assert.Contains("top-k 250", clip.ToJson());
    }

    [Fact]
    public void Seeds_reproduce_and_candidates_are_ranked_by_MuLan()
    {
        using var model = Model();
        var p = new MusicGen(m.Codec, m.MuLan, model);
        var s = new GenerationSettings { Seconds = 0.5, Seed = 2 };
        var a = p.Generate("an upbeat pop song", s);
        Assert.Equal(a.Codes, p.Generate("an upbeat pop song", s).Codes);
        Assert.NotEqual(a.Codes, p.Generate("an upbeat pop song", s with { Seed = 3 }).Codes);
        var best = p.Generate("an upbeat pop song", s with { Candidates = 3 });
        Assert.Equal(3, best.CandidateSimilarities.Length);
        Assert.Equal(best.CandidateSimilarities.Max(), best.MuLanSimilarity);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_prompt_is_a_clear_error(string prompt)
    {
        using var model = Model();
        var p = new MusicGen(m.Codec, m.MuLan, model);
        Assert.Contains("prompt 0 is empty", Assert.Throws<ArgumentException>(() => p.Generate(prompt)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Generate("a song", new GenerationSettings { Seconds = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Generate("a song", new GenerationSettings { OneStageOverlap = 1 }));
    }

    [Fact]
    public void A_model_trained_for_other_streams_is_refused_naming_the_mismatch()
    {
        var config = MusicGen.CourseConfig(m.Codec, m.MuLan, quick: true);
        using var wide = new MusicGenModel(config with { TextWidth = config.TextWidth + 2 });
        Assert.Contains("text states of width", Assert.Throws<IncompatibleModelsException>(() => new MusicGen(m.Codec, m.MuLan, wide)).Message);
        using var levels = new MusicGenModel(config with { CodecLevels = m.Codec.Levels + 1 });
        Assert.Contains("codec levels", Assert.Throws<IncompatibleModelsException>(() => new MusicGen(m.Codec, m.MuLan, levels)).Message);
    }

    [Fact]
    public void Load_reads_a_prepared_data_folder_and_names_the_command_when_the_model_is_missing()
    {
        using var root = new TempDir();
        var paths = MusicGen.CheckpointPaths(root.Path);
        foreach (var (_, path) in paths) Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        m.Codec.Save(paths[0].Path);
        m.MuLan.Save(paths[1].Path);
        var missing = Assert.Throws<MissingCheckpointException>(() => MusicGen.Load(root.Path));
        Assert.Contains("musiclm course prepare", missing.Message);
        Assert.Equal("one-stage model (MusicGen)", missing.What);
        using var model = Model(4);
        model.Save(paths[2].Path);
        using var loaded = MusicGen.Load(root.Path);
        var s = new GenerationSettings { Seconds = 0.6, Seed = 9 };
        Assert.Equal(new MusicGen(m.Codec, m.MuLan, model).Generate("a calm piano piece", s).Codes, loaded.Generate("a calm piano piece", s).Codes);
    }

    private sealed class Sync(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
