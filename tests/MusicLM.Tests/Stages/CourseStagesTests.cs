using MusicLM.Stages;
using MusicLM.Tests.Codec.Training;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;
using Xunit.Abstractions;

namespace MusicLM.Tests.Stages;

/// <summary>
/// The stage notebooks' shared files under a temporary data root: stage checkpoints loaded or trained quickly and
/// saved, generated codes, decoding and the mel distance. Training reseeds the engine's generator, so these run alone.
/// </summary>
[Collection(Codec.Training.TrainingCollection.Name)]
public class CourseStagesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(0.5);

    /// <summary>Random streams of 30 semantic frames (2 × 4 conditioning, 6 semantic tokens, 4 codec levels × 5 codes).</summary>
    private static StageTokenSet Streams(int clips, int semanticVocabulary = 6)
    {
        var spec = new StageTokenSpec
        {
            ConditioningLevels = 2, ConditioningCodebook = 4, SemanticVocabulary = semanticVocabulary, SemanticFrameRate = 25,
            CodecLevels = 4, CodebookSize = 5, AcousticFrameRate = 50, FrameRatio = 2, SampleRate = 16000, ClipSeconds = 1.2,
            SemanticFrames = 30, AcousticFrames = 60, Fingerprint = "test",
        };
        var rng = new Random(clips);
        long[] Draw(int n, int k) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(k)).ToArray();
        return new StageTokenSet(spec, Enumerable.Range(0, clips)
            .Select(i => new ClipTokens(i, Draw(2, 4), Draw(30, semanticVocabulary), Enumerable.Range(0, 4).Select(_ => Draw(60, 5)).ToArray()))
            .ToList());
    }

    [Theory]
    [MemberData(nameof(TinyStages.AllKinds), MemberType = typeof(TinyStages))]
    public void A_missing_stage_is_trained_and_saved_then_the_saved_one_is_loaded(StageKind kind)
    {
        using var root = new TempDir();
        var path = CourseStages.StagePath(kind, root.Path);
        var name = kind.ToString().ToLowerInvariant();
        Assert.Equal(Path.Combine(root.Path, "stages", $"{name}.safetensors"), path);
        var log = new List<string>();
        var streams = Streams(6);
        using var trained = CourseStages.Stage(kind, streams, Budget, quick: true, log.Add, root.Path);
        log.ForEach(output.WriteLine);
        Assert.True(File.Exists(path), $"nothing saved at {path}");
        Assert.StartsWith($"no {name} stage at {path}: training one for", log[0]);
        Assert.Contains(log, l => l.StartsWith($"trained a {name} stage for") && l.EndsWith(path));
        Assert.Equal(kind, trained.Kind);
        Assert.False(trained.training);

        log.Clear();
        using var loaded = CourseStages.Stage(kind, streams, Budget, quick: true, log.Add, root.Path);
        Assert.Single(log);
        Assert.StartsWith($"using notebook 0", log[0]);
        Assert.EndsWith($"{name} stage: {path}", log[0]);
        foreach (var (n, p) in trained.named_parameters())
            Assert.True(p.equal(loaded.named_parameters().Single(x => x.name == n).parameter), $"{n} differs after loading");
        // Resumable, as the notebooks' own checkpoints are.
        using var resumed = StageTrainer.Resume(path, expected: kind);
        Assert.True(resumed.Step >= 1);
    }

    [Fact]
    public void A_stage_trained_on_other_streams_is_replaced_and_an_unreadable_one_is_left_alone()
    {
        using var root = new TempDir();
        var path = CourseStages.StagePath(StageKind.Semantic, root.Path);
        using (CourseStages.Stage(StageKind.Semantic, Streams(4), Budget, quick: true, dataRoot: root.Path)) { }
        var log = new List<string>();
        using (var retrained = CourseStages.Stage(StageKind.Semantic, Streams(4, semanticVocabulary: 9), Budget, quick: true, log.Add, root.Path))
        {
            Assert.Contains("was trained on other token streams", log[0]);
            Assert.Equal(9, retrained.Config.SemanticVocabulary);
        }
        using (var again = StageModel.Load(path)) Assert.Equal(9, again.Config.SemanticVocabulary);

        File.WriteAllText(path, "not a checkpoint");
        Assert.Throws<CheckpointFormatException>(() => CourseStages.Stage(StageKind.Semantic, Streams(4), Budget, quick: true, dataRoot: root.Path));
        Assert.Equal("not a checkpoint", File.ReadAllText(path));
    }

    [Fact]
    public void Generated_codes_round_trip_and_a_bad_file_is_a_clear_error()
    {
        using var root = new TempDir();
        var path = CourseStages.GeneratedCoarsePath(root.Path);
        var codes = new[] { new[] { new long[] { 1, 2, 3 }, new long[] { 4, 5, 6 } }, new[] { new long[] { 7, 8, 9 }, new long[] { 0, 1, 2 } } };
        CourseStages.SaveCodes(path, new[] { 1_000_000, 1_000_001 }, codes);
        var (seeds, loaded) = CourseStages.LoadCodes(path);
        Assert.Equal(new[] { 1_000_000, 1_000_001 }, seeds);
        Assert.Equal(codes, loaded);
        Assert.False(File.Exists(path + ".tmp"));

        Assert.Throws<ArgumentException>(() => CourseStages.SaveCodes(path, new[] { 1 }, codes));
        File.WriteAllText(path, "{ not json");
        Assert.Throws<InvalidDataException>(() => CourseStages.LoadCodes(path));
        File.WriteAllText(path, """{"Content":"something else","Seeds":[1],"Codes":[[[1]]]}""");
        Assert.Throws<InvalidDataException>(() => CourseStages.LoadCodes(path));
        File.WriteAllText(path, """{"Content":"musiclm.generated-codes","Seeds":[1],"Codes":[[[1, 2],[3]]]}""");
        Assert.Throws<InvalidDataException>(() => CourseStages.LoadCodes(path));
    }

    [Fact]
    public void Decode_gives_the_codecs_audio_for_its_first_levels_and_refuses_bad_codes()
    {
        using var codec = TinyCodec.Model(seed: 4);
        codec.eval();
        var frames = 12;
        var rng = new Random(1);
        var levels = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, frames).Select(_ => (long)rng.Next(codec.CodebookSize)).ToArray()).ToArray();
        var audio = CourseStages.Decode(codec, levels);
        Assert.Equal(frames * codec.HopLength, audio.Length);
        using var codes = torch.tensor(levels.SelectMany(l => l).ToArray(), 1, 2, frames);
        using var expected = codec.Decode(codes);
        Assert.Equal(expected[0, 0].ToArray<float>(), audio);

        Assert.Throws<ArgumentException>(() => CourseStages.Decode(codec, Array.Empty<long[]>()));
        Assert.Throws<ArgumentException>(() => CourseStages.Decode(codec, Enumerable.Repeat(levels[0], codec.Levels + 1).ToArray()));
        Assert.Throws<ArgumentException>(() => CourseStages.Decode(codec, new[] { levels[0], levels[1][..5] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CourseStages.Decode(codec, new[] { new long[] { codec.CodebookSize } }));
    }

    [Fact]
    public void Follows_is_one_for_the_same_music_and_near_zero_for_other_music_or_noise()
    {
        var rate = 16000;
        float[] Render(int seed) => MusicLM.Audio.Synthesis.SyntheticMusic.Generate(seed, rate, 4).Audio.Channel(0);
        var clip = Render(11);
        var same = CourseStages.Follows(rate, clip, clip);
        Assert.Equal(1, same.Harmony, 6);
        Assert.Equal(1, same.Rhythm, 6);
        // The same music a little quieter still follows; another piece and noise do not.
        var quieter = CourseStages.Follows(rate, clip.Select(x => 0.5f * x).ToArray(), clip);
        Assert.True(quieter.Harmony > 0.99 && quieter.Rhythm > 0.9, $"quieter: {quieter}");
        var other = CourseStages.Follows(rate, Render(12), clip);
        var rng = new Random(3);
        var noise = CourseStages.Follows(rate, clip.Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), clip);
        foreach (var (name, f) in new[] { ("another clip", other), ("noise", noise) })
            Assert.True(Math.Abs(f.Harmony) < 0.3 && Math.Abs(f.Rhythm) < 0.3, $"{name}: {f}");
        Assert.Throws<ArgumentException>(() => CourseStages.Follows(rate, clip[..1000], clip));
    }

    [Fact]
    public void The_mel_distance_is_zero_for_the_same_audio_and_grows_with_noise()
    {
        var rate = 16000;
        var tone = Enumerable.Range(0, rate).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 440 * i / rate))).ToArray();
        var rng = new Random(2);
        float[] Noisy(double amount) => tone.Select(s => s + (float)(amount * (rng.NextDouble() - 0.5))).ToArray();
        Assert.Equal(0, CourseStages.MelDistance(rate, tone, tone), 6);
        var little = CourseStages.MelDistance(rate, Noisy(0.01), tone);
        var lots = CourseStages.MelDistance(rate, Noisy(0.5), tone);
        Assert.True(little > 0 && lots > little, $"noise 0.01: {little}, noise 0.5: {lots}");
        Assert.Throws<ArgumentException>(() => CourseStages.MelDistance(rate, tone[..100], tone));
    }
}
