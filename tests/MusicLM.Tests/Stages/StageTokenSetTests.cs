using MusicLM.Audio;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Stages;
using MusicLM.Tests.MuLan;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;

namespace MusicLM.Tests.Stages;

public class StageTokenSetTests : IClassFixture<TinyStageModels>
{
    // 1.3 s at 16 kHz = 20,800 samples: ⌈20800 / 640⌉ = 33 semantic tokens but ⌈20800 / 320⌉ = 65 codec frames, one
    // short of R · T_s = 66, so the padding path runs too.
    private const double Seconds = 1.3;
    private static readonly int[] Seeds = { 3, 1_000_001, 7 };

    private readonly TinyStageModels m;

    public StageTokenSetTests(TinyStageModels models) => m = models;

    private StageTokenSet Compute(IReadOnlyList<int>? seeds = null, IProgress<StageTokenProgress>? progress = null) =>
        StageTokenSet.Compute(m.Codec, m.Semantic, m.MuLan, seeds ?? Seeds, Seconds, progress);

    [Fact]
    public void Computed_tokens_equal_what_each_model_gives_for_the_same_clip()
    {
        var reports = new List<StageTokenProgress>();
        var set = Compute(progress: new SyncProgress<StageTokenProgress>(reports.Add));

        Assert.Equal(Seeds, set.Clips.Select(c => c.Seed));
        for (var i = 0; i < Seeds.Length; i++)
        {
            var clip = SyntheticMusic.Generate(Seeds[i], m.Codec.SampleRate, Seconds).Audio;
            var tokens = set.Clips[i];

            using var scope = torch.NewDisposeScope();
            var conditioning = m.MuLan.Tokens(m.MuLan.EmbedAudio(new[] { clip })).ToArray<long>();      // (1, C)
            Assert.Equal(conditioning, tokens.Conditioning);

            var semantic = m.Semantic.Tokenize(clip);
            Assert.Equal(33, semantic.Length);
            Assert.Equal(semantic, tokens.Semantic);

            var codes = m.Codec.Encode(clip.ToTensor().unsqueeze(0)).select(0, 0);                     // (Q, 65)
            Assert.Equal(65, codes.size(1));
            Assert.Equal(m.Codec.Levels, tokens.Levels);
            for (var l = 0; l < m.Codec.Levels; l++)
            {
                var level = codes.select(0, l).ToArray<long>();
                Assert.Equal(level, tokens.Acoustic[l].Take(65));
                Assert.Equal(level[^1], tokens.Acoustic[l][65]);                                          // padded with the last frame
            }
        }
        Assert.Equal(reports.Count, reports.Count(r => r.Clips == Seeds.Length));
        Assert.Equal(Seeds.Length, reports[^1].ClipsDone);
    }

    [Fact]
    public void Caption_conditioned_clips_keep_every_stream_but_take_the_MuLan_tokens_of_their_own_caption()
    {
        var set = Compute();
        var captioned = set.CaptionConditioned(m.MuLan);
        Assert.Equal(set.Count, captioned.Count);
        var differ = 0;
        for (var i = 0; i < set.Count; i++)
        {
            var (audio, text) = (set.Clips[i], captioned[i]);
            Assert.Equal(audio.Seed, text.Seed);
            Assert.Same(audio.Semantic, text.Semantic);
            Assert.Same(audio.Acoustic, text.Acoustic);
            var caption = SyntheticMusic.Generate(audio.Seed, m.Codec.SampleRate, Seconds).Caption;
            using var scope = torch.NewDisposeScope();
            Assert.Equal(m.MuLan.Tokens(m.MuLan.EmbedText(new[] { caption })).ToArray<long>(), text.Conditioning);
            if (!audio.Conditioning.SequenceEqual(text.Conditioning)) differ++;
        }
        Assert.True(differ > 0, "the caption tokens equal the audio tokens for every clip: they were not recomputed");
        new StageTokenSet(set.Spec, captioned);   // still on the spec
        var both = set.AudioAndCaptionConditioned(m.MuLan);
        Assert.Equal(set.Clips.Concat(captioned).Select(c => c.Conditioning), both.Select(c => c.Conditioning));
        Assert.Equal(set.Clips.Concat(set.Clips).Select(c => c.Seed), both.Select(c => c.Seed));

        using var other = new MuLanModel(MuLanConfig.Tiny(m.MuLan.Tokenizer.VocabSize, m.MuLan.Tokenizer.MaxLength) with
        {
            Quantizer = new ConditioningQuantizerConfig { Levels = set.Spec.ConditioningLevels + 1, CodebookSize = set.Spec.ConditioningCodebook },
        }, m.MuLan.Tokenizer);
        Assert.Contains("another MuLan", Assert.Throws<ArgumentException>(() => set.CaptionConditioned(other)).Message);
        Assert.Throws<ArgumentNullException>(() => set.CaptionConditioned(null!));
    }

    [Fact]
    public void The_spec_takes_its_numbers_from_the_models_and_the_streams_line_up()
    {
        var set = Compute();
        var s = set.Spec;
        Assert.Equal((m.MuLan.quantizer.Levels, m.MuLan.quantizer.CodebookSize), (s.ConditioningLevels, s.ConditioningCodebook));
        Assert.Equal((m.Semantic.VocabularySize, m.Semantic.FrameRate), (s.SemanticVocabulary, s.SemanticFrameRate));
        Assert.Equal((m.Codec.Levels, m.Codec.CodebookSize, m.Codec.FrameRate), (s.CodecLevels, s.CodebookSize, s.AcousticFrameRate));
        Assert.Equal((int)(m.Codec.FrameRate / m.Semantic.FrameRate), s.FrameRatio);
        Assert.Equal((m.Codec.SampleRate, Seconds), (s.SampleRate, s.ClipSeconds));
        Assert.Equal(StageTokenSet.Fingerprint(m.Codec, m.Semantic, m.MuLan, Seeds, Seconds), s.Fingerprint);
        foreach (var c in set.Clips)
        {
            Assert.Equal(s.FrameRatio * c.SemanticFrames, c.AcousticFrames);
            Assert.Equal((s.SemanticFrames, s.AcousticFrames), (c.SemanticFrames, c.AcousticFrames));
            Assert.Equal(s.ConditioningLevels, c.Conditioning.Length);
            Assert.All(c.Conditioning, t => Assert.InRange(t, 0, s.ConditioningCodebook - 1));
            Assert.All(c.Semantic, t => Assert.InRange(t, 0, s.SemanticVocabulary - 1));
            Assert.All(c.Acoustic, level => Assert.All(level, t => Assert.InRange(t, 0, s.CodebookSize - 1)));
        }
    }

    [Fact]
    public void Save_then_Load_gives_identical_tokens_and_spec()
    {
        using var dir = new TempDir();
        var path = dir.File("tokens.safetensors");
        var set = Compute();
        set.Save(path);
        var back = StageTokenSet.Load(path);
        Assert.Equal(set.Spec, back.Spec);
        Assert.Equal(set.Count, back.Count);
        for (var i = 0; i < set.Count; i++)
        {
            Assert.Equal(set.Clips[i].Seed, back.Clips[i].Seed);
            Assert.Equal(set.Clips[i].Conditioning, back.Clips[i].Conditioning);
            Assert.Equal(set.Clips[i].Semantic, back.Clips[i].Semantic);
            Assert.Equal(set.Clips[i].Acoustic, back.Clips[i].Acoustic);
        }
        // What Python's safetensors.torch.load_file would see.
        var header = Safetensors.ReadHeader(path);
        var shapes = header.Entries.ToDictionary(e => e.Name, e => $"{Safetensors.DTypeName(e.DType)} [{string.Join(", ", e.Shape)}]");
        var s = set.Spec;
        Assert.Equal("I64 [3]", shapes["seeds"]);
        Assert.Equal($"I64 [3, {s.ConditioningLevels}]", shapes["conditioning"]);
        Assert.Equal($"I64 [3, {s.SemanticFrames}]", shapes["semantic"]);
        Assert.Equal($"I64 [3, {s.CodecLevels}, {s.AcousticFrames}]", shapes["acoustic"]);
    }

    [Fact]
    public void A_truncated_garbage_or_foreign_file_is_a_CheckpointFormatException_and_is_left_as_it_was()
    {
        using var dir = new TempDir();
        var good = dir.File("tokens.safetensors");
        Compute(new[] { 5 }).Save(good);
        var bytes = File.ReadAllBytes(good);

        var truncated = dir.File("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 9)]);
        var garbage = dir.File("garbage.safetensors");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 + 11)).ToArray());
        var foreign = dir.File("codec.safetensors");
        m.Codec.Save(foreign);                                              // a model checkpoint, not tokens

        foreach (var path in new[] { truncated, garbage, foreign })
        {
            var before = File.ReadAllBytes(path);
            var ex = Assert.Throws<CheckpointFormatException>(() => StageTokenSet.Load(path));
            Assert.Contains(path, ex.Message);
            Assert.Equal(before, File.ReadAllBytes(path));
        }
        Assert.Contains("not a stage token set", Assert.Throws<CheckpointFormatException>(() => StageTokenSet.Load(foreign)).Message);
    }

    [Fact]
    public void Tokens_outside_their_vocabulary_or_shapes_off_the_spec_are_a_CheckpointFormatException()
    {
        using var dir = new TempDir();
        var path = dir.File("tokens.safetensors");
        Compute(new[] { 5 }).Save(path);
        using var file = Safetensors.Load(path);
        var spec = StageTokenSet.Load(path).Spec;

        // The same file with one semantic token one past the vocabulary.
        var bad = dir.File("out-of-range.safetensors");
        var semantic = file["semantic"].ToArray<long>();
        semantic[4] = spec.SemanticVocabulary;
        using (var t = torch.tensor(semantic, file["semantic"].shape))
            Safetensors.Save(bad, new Dictionary<string, Tensor>(file.Tensors) { ["semantic"] = t }, file.Metadata);
        var ex = Assert.Throws<CheckpointFormatException>(() => StageTokenSet.Load(bad));
        Assert.Contains("'semantic'", ex.Message);
        Assert.Contains($"[0, {spec.SemanticVocabulary})", ex.Message);

        // A spec that promises more semantic frames than the tensor has.
        var shape = dir.File("shape.safetensors");
        var metadata = new Dictionary<string, string>(file.Metadata)
        {
            ["spec"] = System.Text.Json.JsonSerializer.Serialize(spec with { SemanticFrames = spec.SemanticFrames + 1, AcousticFrames = (spec.SemanticFrames + 1) * spec.FrameRatio }),
        };
        Safetensors.Save(shape, file.Tensors, metadata);
        Assert.Contains("has shape", Assert.Throws<CheckpointFormatException>(() => StageTokenSet.Load(shape)).Message);
    }

    [Fact]
    public void LoadOrCompute_computes_once_then_loads_without_rewriting_the_file()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "stages", "tokens.safetensors");   // a folder not there yet
        var log = new List<string>();
        var first = StageTokenSet.LoadOrCompute(path, m.Codec, m.Semantic, m.MuLan, Seeds, Seconds, log: log.Add);
        Assert.True(File.Exists(path));
        Assert.Contains(log, l => l.Contains("no tokens cached at " + path));

        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, old);
        log.Clear();
        var second = StageTokenSet.LoadOrCompute(path, m.Codec, m.Semantic, m.MuLan, Seeds, Seconds, log: log.Add);
        Assert.Equal(new[] { $"loaded 3 clips' tokens from {path}" }, log);
        Assert.Equal(old, File.GetLastWriteTimeUtc(path));
        Assert.Equal(first.Spec, second.Spec);
        Assert.Equal(first.Clips.Select(c => c.Semantic), second.Clips.Select(c => c.Semantic));
    }

    [Fact]
    public void Changing_one_weight_changes_the_fingerprint_and_LoadOrCompute_recomputes_and_says_what_changed()
    {
        using var dir = new TempDir();
        var path = dir.File("tokens.safetensors");
        using var codec = Copy(m.Codec);
        var seeds = new[] { 11 };
        var before = StageTokenSet.LoadOrCompute(path, codec, m.Semantic, m.MuLan, seeds, Seconds);

        // One element of one encoder weight, moved by 10⁻³.
        var weight = codec.encoder.parameters().First();
        var values = weight.ToArray<float>();
        values[0] += 1e-3f;
        using (torch.no_grad())
        using (var changed = torch.tensor(values, weight.shape))
            weight.copy_(changed);
        var after = StageTokenSet.Fingerprint(codec, m.Semantic, m.MuLan, seeds, Seconds);
        Assert.NotEqual(before.Spec.Fingerprint, after);

        var log = new List<string>();
        var again = StageTokenSet.LoadOrCompute(path, codec, m.Semantic, m.MuLan, seeds, Seconds, log: log.Add);
        Assert.Equal(after, again.Spec.Fingerprint);
        Assert.Equal(after, StageTokenSet.Load(path).Spec.Fingerprint);
        Assert.Contains(log, l => l.Contains("the codec changed"));
        Assert.DoesNotContain(log, l => l.StartsWith("loaded"));
    }

    [Fact]
    public void The_fingerprint_follows_the_seeds_the_length_and_each_model_but_not_a_save_and_reload()
    {
        var f = StageTokenSet.Fingerprint(m.Codec, m.Semantic, m.MuLan, Seeds, Seconds);
        Assert.Equal(f, StageTokenSet.Fingerprint(m.Codec, m.Semantic, m.MuLan, Seeds.ToList(), Seconds));
        Assert.NotEqual(f, StageTokenSet.Fingerprint(m.Codec, m.Semantic, m.MuLan, new[] { 3, 7, 1_000_001 }, Seconds));
        Assert.NotEqual(f, StageTokenSet.Fingerprint(m.Codec, m.Semantic, m.MuLan, Seeds, 1.4));

        // Reloaded from their checkpoints (as the next notebook does), the models keep the fingerprint, so the cache stays valid.
        using var dir = new TempDir();
        m.Codec.Save(dir.File("codec.safetensors"));
        m.Semantic.Save(dir.File("semantic.safetensors"));
        m.MuLan.Save(dir.File("mulan.safetensors"));
        using var codec = CodecModel.Load(dir.File("codec.safetensors"));
        using var semantic = SemanticTokenizer.Load(dir.File("semantic.safetensors"));
        using var mulan = MuLanModel.Load(dir.File("mulan.safetensors"));
        Assert.Equal(f, StageTokenSet.Fingerprint(codec, semantic, mulan, Seeds, Seconds));

        // Another MuLan (other initial weights) is another fingerprint.
        using var other = TinyMuLan.Model(seed: 4, tokenizer: m.MuLan.Tokenizer);
        Assert.NotEqual(f, StageTokenSet.Fingerprint(m.Codec, m.Semantic, other, Seeds, Seconds));
    }

    [Fact]
    public void A_file_there_that_is_not_a_token_set_is_reported_and_not_overwritten()
    {
        using var dir = new TempDir();
        var path = dir.File("tokens.safetensors");
        File.WriteAllText(path, "not safetensors at all");
        var ex = Assert.Throws<CheckpointFormatException>(() => StageTokenSet.LoadOrCompute(path, m.Codec, m.Semantic, m.MuLan, Seeds, Seconds));
        Assert.Contains(path, ex.Message);
        Assert.Equal("not safetensors at all", File.ReadAllText(path));
    }

    [Fact]
    public void Bad_arguments_say_what_was_expected()
    {
        Assert.Contains("no seeds", Assert.Throws<ArgumentException>(() => Compute(Array.Empty<int>())).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => StageTokenSet.Compute(m.Codec, m.Semantic, m.MuLan, Seeds, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StageTokenSet.Compute(m.Codec, m.Semantic, m.MuLan, Seeds, double.NaN));
        using var unfitted = TinyMuLan.Model(seed: 5, tokenizer: m.MuLan.Tokenizer);
        Assert.Contains("FitQuantizer", Assert.Throws<ArgumentException>(() => StageTokenSet.Compute(m.Codec, m.Semantic, unfitted, Seeds, Seconds)).Message);

        Assert.Equal(2, StageTokenSpec.FrameRatioOf(50, 25));
        Assert.Equal(3, StageTokenSpec.FrameRatioOf(75, 25));
        var ex = Assert.Throws<ArgumentException>(() => StageTokenSpec.FrameRatioOf(50, 30));
        Assert.Contains("whole multiple", ex.Message);
        Assert.Throws<ArgumentException>(() => StageTokenSpec.FrameRatioOf(20, 25));
    }

    [Fact]
    public void A_clip_list_off_the_spec_is_refused()
    {
        var set = Compute(new[] { 5 });
        var c = set.Clips[0];
        var shortSemantic = c with { Semantic = c.Semantic[..^1] };
        var ex = Assert.Throws<ArgumentException>(() => new StageTokenSet(set.Spec, new[] { shortSemantic }));
        Assert.Contains("seed 5", ex.Message);
    }

    [Fact]
    public void On_CUDA_the_tokens_match_the_CPU_ones()
    {
        if (!torch.cuda.is_available()) return;                             // the CPU tests above cover this machine
        var cpu = Compute();
        using var dir = new TempDir();
        m.Codec.Save(dir.File("codec.safetensors"));
        m.MuLan.Save(dir.File("mulan.safetensors"));
        m.Semantic.Save(dir.File("semantic.safetensors"));
        using var codec = CodecModel.Load(dir.File("codec.safetensors"));
        using var mulan = MuLanModel.Load(dir.File("mulan.safetensors"));
        using var semantic = SemanticTokenizer.Load(dir.File("semantic.safetensors"));
        var cuda = Device.CUDA();
        codec.to(cuda);
        mulan.to(cuda);
        semantic.to(cuda);
        var gpu = StageTokenSet.Compute(codec, semantic, mulan, Seeds, Seconds);
        Assert.Equal(cpu.Spec, gpu.Spec);
        // Rounding may move a near-tie to the other code; nearly every token must agree.
        double Agree(Func<ClipTokens, IEnumerable<long>> stream)
        {
            var a = cpu.Clips.SelectMany(stream).ToArray();
            var b = gpu.Clips.SelectMany(stream).ToArray();
            return a.Zip(b).Count(p => p.First == p.Second) / (double)a.Length;
        }
        Assert.True(Agree(c => c.Semantic) > 0.95, $"semantic tokens agree {Agree(c => c.Semantic):P1}");
        Assert.True(Agree(c => c.Acoustic.SelectMany(l => l)) > 0.95, $"codec codes agree {Agree(c => c.Acoustic.SelectMany(l => l)):P1}");
        Assert.True(Agree(c => c.Conditioning) > 0.9, $"conditioning tokens agree {Agree(c => c.Conditioning):P1}");
    }

    private static CodecModel Copy(CodecModel codec)
    {
        var copy = new CodecModel(codec.Config);
        copy.load_state_dict(codec.state_dict());
        copy.eval();
        return copy;
    }

    /// <summary>Reports synchronously (<see cref="Progress{T}"/> posts to a thread pool).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
