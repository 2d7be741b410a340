using MusicLM.Audio;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.Generation;
using MusicLM.Stages;
using MusicLM.Tests.Stages;
using MusicLM.Torch;
using MusicLM.Transformers;

namespace MusicLM.Tests.Generation;

/// <summary>
/// The text-to-music pipeline end to end on the tiny earlier models (TinyStageModels) and three untrained tiny
/// stages built for their streams: the shapes and lengths of every intermediate, seeds, continuation of an audio
/// prompt, reranking, loading from a data folder, and the errors of bad input and mismatched models.
/// </summary>
[Collection(Codec.Training.TrainingCollection.Name)]
public class TextToMusicTests : IClassFixture<TinyStageModels>
{
    private readonly TinyStageModels m;

    public TextToMusicTests(TinyStageModels models) => m = models;

    private StageConfig Config(StageKind kind, int? semanticVocabulary = null) => new()
    {
        Kind = kind,
        ConditioningLevels = m.MuLan.quantizer.Levels,
        ConditioningCodebook = m.MuLan.quantizer.CodebookSize,
        SemanticVocabulary = semanticVocabulary ?? m.Semantic.VocabularySize,
        CodecLevels = m.Codec.Levels,
        CodebookSize = m.Codec.CodebookSize,
        CoarseLevels = 2,
        FrameRatio = StageTokenSpec.FrameRatioOf(m.Codec.FrameRate, m.Semantic.FrameRate),
        SemanticFrames = 8,
        AcousticFrames = 10,
        Transformer = TransformerConfig.Tiny(2, 2) with { Width = 32 },
    };

    private StageModel Stage(StageKind kind, ulong seed = 0, int? semanticVocabulary = null)
    {
        torch.manual_seed(seed);
        var s = new StageModel(Config(kind, semanticVocabulary));
        s.eval();
        return s;
    }

    private (TextToMusic Pipeline, StageModel[] Stages) Pipeline()
    {
        var stages = new[] { Stage(StageKind.Semantic, 1), Stage(StageKind.Coarse, 2), Stage(StageKind.Fine, 3) };
        return (new TextToMusic(m.Codec, m.MuLan, stages[0], stages[1], stages[2], m.Semantic), stages);
    }

    private static void Dispose(StageModel[] stages) { foreach (var s in stages) s.Dispose(); }

    [Fact]
    public void A_prompt_becomes_audio_of_the_requested_length_through_every_stage()
    {
        var (p, stages) = Pipeline();
        try
        {
            var events = new List<PipelineProgress>();
            var progress = new Sync(events.Add);
            // 1.3 s is longer than every window (8 semantic frames = 0.32 s), so each stage continues over several windows.
            var clip = p.Generate("a fast techno track with a saw lead in A minor", new GenerationSettings { Seconds = 1.3, Seed = 5 }, progress);
            var frames = p.SemanticFramesFor(1.3);
            Assert.Equal((int)Math.Ceiling(1.3 * 16000 / (p.Codec.HopLength * p.FrameRatio)), frames);
            Assert.Equal(frames, clip.Semantic.Length);
            Assert.All(clip.Semantic, t => Assert.InRange(t, 0, m.Semantic.VocabularySize - 1));
            Assert.Equal(2, clip.Coarse.Length);
            Assert.Equal(2, clip.Fine.Length);
            Assert.All(clip.Codes, l => Assert.Equal(frames * p.FrameRatio, l.Length));
            Assert.All(clip.Codes.SelectMany(l => l), c => Assert.InRange(c, 0, m.Codec.CodebookSize - 1));
            Assert.Equal(m.MuLan.quantizer.Levels, clip.Conditioning.Length);
            Assert.Equal(16000, clip.Audio.SampleRate);
            Assert.Equal((int)Math.Round(1.3 * 16000), clip.Audio.Frames);
            Assert.Contains(clip.Audio.Channel(0), x => x != 0);
            Assert.All(clip.Audio.Channel(0), x => Assert.True(float.IsFinite(x)));
            Assert.InRange(clip.MuLanSimilarity, -1.0001, 1.0001);
            Assert.True(clip.Timings.Total > TimeSpan.Zero);
            foreach (var stage in new[] { "conditioning", "semantic", "coarse", "fine", "decode", "rerank" })
                Assert.Contains(events, e => e.Stage == stage);
            var last = events.Last(e => e.Stage == "semantic");
            Assert.Equal(last.Total, last.Done);
            // The JSON line names the prompt, the seed and each stage's seconds.
            var json = System.Text.Json.JsonDocument.Parse(clip.ToJson("out.wav")).RootElement;
            Assert.Equal("a fast techno track with a saw lead in A minor", json.GetProperty("prompt").GetString());
            Assert.Equal(5UL, json.GetProperty("seed").GetUInt64());
            Assert.Equal("out.wav", json.GetProperty("file").GetString());
            foreach (var stage in new[] { "semantic", "coarse", "fine", "decode", "total" })
                Assert.True(json.GetProperty("time_s").GetProperty(stage).GetDouble() >= 0);
            Assert.Contains("temperature", json.GetProperty("coarse").GetString());
        }
        finally { Dispose(stages); }
    }

    [Fact]
    public void The_same_seed_reproduces_a_clip_and_another_seed_changes_it()
    {
        var (p, stages) = Pipeline();
        try
        {
            var s = new GenerationSettings { Seconds = 0.8, Seed = 3 };
            var a = p.Generate("a slow ambient piece", s);
            var b = p.Generate("a slow ambient piece", s);
            var c = p.Generate("a slow ambient piece", s with { Seed = 4 });
            Assert.Equal(a.Semantic, b.Semantic);
            Assert.Equal(a.Codes, b.Codes);
            Assert.Equal(a.Audio.Channel(0), b.Audio.Channel(0));
            Assert.NotEqual(a.Semantic, c.Semantic);
        }
        finally { Dispose(stages); }
    }

    [Fact]
    public void Later_windows_do_not_repeat_the_first_windows_draws()
    {
        var (p, stages) = Pipeline();
        try
        {
            // Without an overlap, each window starts afresh from the same prefix: with the same seed in every window
            // they would be identical copies.
            var clip = p.Generate("a loop", new GenerationSettings { Seconds = 1.0, Seed = 1, SemanticOverlap = 0 });
            var w = p.SemanticStage.Config.SemanticFrames;
            Assert.NotEqual(clip.Semantic[..w], clip.Semantic[w..(2 * w)]);
        }
        finally { Dispose(stages); }
    }

    [Fact]
    public void Candidates_are_ranked_by_MuLan_similarity_and_the_best_one_is_kept()
    {
        var (p, stages) = Pipeline();
        try
        {
            var clips = p.Generate(["a jazz trio with piano", "a rock song with distorted guitar"], new GenerationSettings { Seconds = 0.6, Seed = 2, Candidates = 3 });
            Assert.Equal(2, clips.Count);
            foreach (var clip in clips)
            {
                Assert.Equal(3, clip.CandidateSimilarities.Length);
                Assert.Equal(clip.CandidateSimilarities.Max(), clip.MuLanSimilarity);
                Assert.Equal(clip.CandidateSimilarities[clip.Candidate], clip.MuLanSimilarity);
            }
            Assert.Equal("a rock song with distorted guitar", clips[1].Prompt);
            // Independent rows: the two prompts' candidates are not copies of each other.
            Assert.NotEqual(clips[0].Semantic, clips[1].Semantic);
        }
        finally { Dispose(stages); }
    }

    [Fact]
    public void Skipping_the_fine_stage_decodes_the_coarse_levels_alone()
    {
        var (p, stages) = Pipeline();
        try
        {
            var clip = p.Generate("a folk song", new GenerationSettings { Seconds = 0.5, SkipFine = true });
            Assert.Empty(clip.Fine);
            Assert.Equal(2, clip.Codes.Length);
            Assert.Equal(8000, clip.Audio.Frames);
            Assert.Equal("skipped", System.Text.Json.JsonDocument.Parse(clip.ToJson()).RootElement.GetProperty("fine").GetString());
        }
        finally { Dispose(stages); }
    }

    [Fact]
    public void An_audio_prompt_is_continued_its_tokens_kept_and_the_rest_sampled()
    {
        var (p, stages) = Pipeline();
        try
        {
            var prompt = SyntheticMusic.Generate(seed: 42, sampleRate: 16000, durationS: 0.5).Audio;
            var clip = p.Continue(prompt, text: null, new GenerationSettings { Seconds = 1.2, Seed = 7 });
            Assert.Equal((int)Math.Round(1.2 * 16000), clip.Audio.Frames);
            var unit = p.Codec.HopLength * p.FrameRatio;
            var units = prompt.Frames / unit;
            Assert.Equal(units * unit / 16000.0, clip.PromptSeconds, 6);
            Assert.Equal(m.Semantic.Tokenize(prompt)[..units], clip.Semantic[..units]);
            using (var x = prompt.ToTensor().unsqueeze(0))
            using (var codes = m.Codec.Encode(x))
            {
                var all = codes.select(0, 0).contiguous().ToArray<long>();
                var frames = (int)codes.size(2);
                for (var l = 0; l < m.Codec.Levels; l++)
                    Assert.Equal(all.AsSpan(l * frames, units * p.FrameRatio).ToArray(), clip.Codes[l][..(units * p.FrameRatio)]);
            }
            Assert.True(double.IsNaN(clip.MuLanSimilarity) || clip.MuLanSimilarity is >= -1.0001 and <= 1.0001);
            // With a text prompt as well, the conditioning comes from the text.
            var texted = p.Continue(prompt, "a calm piano piece", new GenerationSettings { Seconds = 1.2, Seed = 7 });
            Assert.Equal("a calm piano piece", texted.Prompt);
            using var e = m.MuLan.EmbedText(["a calm piano piece"]);
            using var t = m.MuLan.Tokens(e);
            Assert.Equal(t.contiguous().ToArray<long>(), texted.Conditioning);

            var ex = Assert.Throws<ArgumentException>(() => p.Continue(prompt, null, new GenerationSettings { Seconds = 0.4 }));
            Assert.Contains("shorter than the clip", ex.Message);
        }
        finally { Dispose(stages); }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_prompt_is_a_clear_error(string prompt)
    {
        var (p, stages) = Pipeline();
        try
        {
            var ex = Assert.Throws<ArgumentException>(() => p.Generate(prompt));
            Assert.Contains("empty", ex.Message);
        }
        finally { Dispose(stages); }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(double.NaN)]
    public void A_length_that_is_not_positive_is_a_clear_error(double seconds)
    {
        var (p, stages) = Pipeline();
        try
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => p.Generate("a song", new GenerationSettings { Seconds = seconds }));
            Assert.Contains("positive number of seconds", ex.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => p.Generate("a song", new GenerationSettings { Candidates = 0 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => p.Generate("a song", new GenerationSettings { CoarseOverlap = 1 }));
        }
        finally { Dispose(stages); }
    }

    [Fact]
    public void Stages_trained_on_other_streams_are_refused_naming_the_mismatch()
    {
        using var semantic = Stage(StageKind.Semantic, 1, semanticVocabulary: 16);
        using var coarse = Stage(StageKind.Coarse, 2);
        using var fine = Stage(StageKind.Fine, 3);
        var ex = Assert.Throws<IncompatibleModelsException>(() => new TextToMusic(m.Codec, m.MuLan, semantic, coarse, fine, m.Semantic));
        Assert.Contains("16 semantic tokens", ex.Message);
        // A stage in the wrong place.
        var swapped = Assert.Throws<IncompatibleModelsException>(() => new TextToMusic(m.Codec, m.MuLan, coarse, coarse, fine));
        Assert.Contains("Coarse stage", swapped.Message);
        // A codec with other levels than the stages were trained on.
        using var other = new CodecModel(Codec.Training.TinyCodec.Config with { TargetBandwidths = new[] { 0.5 } });
        using var semantic2 = Stage(StageKind.Semantic, 1);
        var codec = Assert.Throws<IncompatibleModelsException>(() => new TextToMusic(other, m.MuLan, semantic2, coarse, fine));
        Assert.Contains("codec levels", codec.Message);
    }

    [Fact]
    public void Load_reads_a_prepared_data_folder_and_names_the_command_when_a_checkpoint_is_missing()
    {
        using var root = new TempDir();
        var missing = Assert.Throws<MissingCheckpointException>(() => TextToMusic.Load(root.Path));
        Assert.Contains("musiclm course prepare", missing.Message);
        Assert.Equal("codec", missing.What);

        var paths = TextToMusic.CheckpointPaths(root.Path);
        var (p, stages) = Pipeline();
        try
        {
            foreach (var (_, path) in paths) Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            m.Codec.Save(paths[0].Path);
            m.Semantic.Save(paths[1].Path);
            m.MuLan.Save(paths[2].Path);
            stages[0].Save(paths[3].Path);
            stages[1].Save(paths[4].Path);
            var noFine = Assert.Throws<MissingCheckpointException>(() => TextToMusic.Load(root.Path));
            Assert.Equal("fine stage", noFine.What);
            stages[2].Save(paths[5].Path);

            using var loaded = TextToMusic.Load(root.Path);
            var s = new GenerationSettings { Seconds = 0.6, Seed = 9 };
            var a = loaded.Generate("an upbeat pop song", s);
            var b = p.Generate("an upbeat pop song", s);
            Assert.Equal(b.Semantic, a.Semantic);
            Assert.Equal(b.Codes, a.Codes);
        }
        finally { Dispose(stages); }
    }

    private sealed class Sync(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
