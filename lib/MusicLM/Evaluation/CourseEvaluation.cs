using System.Diagnostics;
using MusicLM.Audio;
using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;
using MusicLM.Generation;
using MusicLM.Stages;
using MusicLM.Torch;

namespace MusicLM.Evaluation;

/// <summary>The evaluation's figures for one run: the adherence table (generated, chance, real, resynthesised), the distances, memorisation and diversity.</summary>
public sealed record EvaluationReport(
    IReadOnlyList<AdherenceRow> Adherence,
    IReadOnlyList<(string Pair, double KernelDistance, double FrechetInfinity)> Distances,
    IReadOnlyList<MemorisationReport> Memorisation,
    (double GeneratedTokenSimilarity, double GeneratedEmbeddingDistance, double RealTokenSimilarity, double RealEmbeddingDistance, int Seeds, string Prompt) Diversity,
    IReadOnlyList<GeneratedMusic> Generated,
    IReadOnlyList<SynthesizedClip> Real,
    TimeSpan GenerationTime);

/// <summary>One design's line of <see cref="CourseEvaluation.Compare"/>: its size, generation speed, adherence (and the same clips against shuffled prompts), and distance to real music.</summary>
public sealed record ModelComparison(string Model, long Parameters, double SecondsPerClip, AdherenceRow Adherence, AdherenceRow Chance,
                                     double KernelDistance, double FrechetInfinity, IReadOnlyList<GeneratedMusic> Generated);

/// <summary>
/// The course's evaluation of text to music on held-out prompts (notebook 10). The prompts are the captions of
/// SyntheticMusic seeds <see cref="PromptSeed"/>…, a range no model trains or is tuned on; the real clips of those
/// captions are the upper bound, their codec resynthesis the codec's ceiling, the same generations scored against
/// shuffled prompts the chance level. Instruments and style are judged by <see cref="AttributeClassifiers"/> trained
/// for evaluation only, on seeds <see cref="AttributeClassifiers.TrainSeed"/>….
/// </summary>
public static class CourseEvaluation
{
    /// <summary>Evaluation prompts are the captions of SyntheticMusic seeds from here on.</summary>
    public const int PromptSeed = 2_000_000;
    /// <summary>A second set of real clips, for the real-vs-real distance.</summary>
    public const int ReferenceSeed = 2_500_000;
    private const int Rate = 16000;
    private const double Seconds = 10;

    /// <summary>The classifiers' file under the data folder: <c>eval/classifiers.json</c>.</summary>
    public static string ClassifiersPath(string? dataRoot = null) =>
        Path.Combine(dataRoot is null ? DataFolder.For("eval") : Directory.CreateDirectory(Path.Combine(Path.GetFullPath(dataRoot), "eval")).FullName, "classifiers.json");

    /// <summary>
    /// The evaluation classifiers, loaded when saved for the same recipe, else trained on <paramref name="clips"/>
    /// ten-second clips (seeds <see cref="AttributeClassifiers.TrainSeed"/>…) and saved. With a
    /// <paramref name="codec"/>, each clip is learnt twice: as rendered and as that codec resynthesises it, so the
    /// judge hears the music through the codec's artefacts (a judge of clean clips alone reads the style of codec
    /// output at chance). The recipe names the codec's weights, so a retrained codec retrains the judge.
    /// </summary>
    public static AttributeClassifiers Classifiers(int clips = 400, Action<string>? log = null, string? dataRoot = null,
                                                   Codec.CodecModel? codec = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clips, 4);
        var path = ClassifiersPath(dataRoot);
        var recipe = $"seeds {AttributeClassifiers.TrainSeed}+{clips}, {Seconds} s, features v1"
                     + (codec is null ? "" : $", and resynthesised by codec {TokenFingerprint.OfCodec(codec)}");
        if (File.Exists(path))
        {
            var (loaded, saved) = AttributeClassifiers.Load(path);
            if (saved == recipe) { log?.Invoke($"using the evaluation classifiers at {path}"); return loaded; }
        }
        var watch = Stopwatch.StartNew();
        var features = new List<float[]>();
        var truth = new List<ClipAttributes>();
        var resynthesised = new List<float[]>();
        // In chunks, so that only a chunk's audio is held at a time (400 ten-second clips would be 256 MB).
        foreach (var chunk in Enumerable.Range(AttributeClassifiers.TrainSeed, clips).Chunk(32))
        {
            var rendered = chunk.AsParallel().AsOrdered().Select(s => SyntheticMusic.Generate(s, Rate, Seconds)).ToList();
            features.AddRange(rendered.AsParallel().AsOrdered().Select(c => EvaluationFeatures.Of(c.Audio)));
            truth.AddRange(rendered.Select(c => c.Attributes));
            // The codec runs on every core already: one clip at a time.
            if (codec is not null) resynthesised.AddRange(rendered.Select(c => EvaluationFeatures.Of(Resynthesise(codec, c.Audio))));
        }
        if (codec is not null)
        {
            features.AddRange(resynthesised);
            truth.AddRange(truth.ToList());
        }
        var classifiers = AttributeClassifiers.Train(features, truth);
        classifiers.Save(path, recipe);
        log?.Invoke($"trained the evaluation classifiers on {clips} clips" + (codec is null ? "" : " and their codec resynthesis")
                    + $" in {watch.Elapsed.TotalSeconds:0} s and saved them to {path}");
        return classifiers;
    }

    /// <summary>The held-out real clips whose captions are the prompts: seeds <see cref="PromptSeed"/>… (or <paramref name="first"/>…).</summary>
    public static List<SynthesizedClip> RealClips(int count, int first = PromptSeed) =>
        Enumerable.Range(first, count).AsParallel().AsOrdered().Select(s => SyntheticMusic.Generate(s, Rate, Seconds)).ToList();

    /// <summary>
    /// Generates one clip per held-out prompt (<paramref name="prompts"/> of them, ten seconds, in batches of
    /// <paramref name="batch"/>), scores everything, and measures distances, memorisation against the stages' training
    /// clips (<paramref name="training"/>: their tokens; their audio is re-rendered from the seeds) and diversity over
    /// <paramref name="diversitySeeds"/> seeds of the first prompt.
    /// </summary>
    public static EvaluationReport Run(IMusicGenerator pipeline, AttributeClassifiers classifiers, StageTokenSet training, int prompts = 40,
                                       GenerationSettings? settings = null, int batch = 20, int diversitySeeds = 4,
                                       IProgress<(string Step, int Done, int Total)>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(classifiers);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentOutOfRangeException.ThrowIfLessThan(prompts, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var s = (settings ?? new GenerationSettings()) with { Seconds = Seconds };
        var real = RealClips(prompts);
        var targets = real.Select(c => PromptTarget.FromCaption(c.Caption)).ToList();

        // Generate.
        var watch = Stopwatch.StartNew();
        var generated = new List<GeneratedMusic>();
        foreach (var chunk in real.Chunk(batch))
        {
            cancellation.ThrowIfCancellationRequested();
            generated.AddRange(pipeline.Generate(chunk.Select(c => c.Caption).ToList(), s with { Seed = s.Seed + (ulong)generated.Count }, cancellation: cancellation));
            progress?.Report(("generating", generated.Count, prompts));
        }
        var generationTime = watch.Elapsed;

        // Score: generated, the same against shuffled prompts, real clips, their resynthesis through the codec.
        var genFeatures = generated.Select(g => EvaluationFeatures.Of(g.Audio)).ToList();
        var realFeatures = real.Select(c => EvaluationFeatures.Of(c.Audio)).ToList();
        var resynth = real.Select(c => Resynthesise(pipeline.Codec, c.Audio)).ToList();
        var resynthFeatures = resynth.Select(EvaluationFeatures.Of).ToList();
        progress?.Report(("scoring", 0, 4));
        var shuffled = PromptAdherence.Shuffled(targets);
        AdherenceRow Row(string name, IReadOnlyList<AudioClip> audio, IReadOnlyList<float[]> f, IReadOnlyList<PromptTarget> t) =>
            PromptAdherence.Summarise(name, Enumerable.Range(0, audio.Count).AsParallel().AsOrdered()
                .Select(i => PromptAdherence.Score(audio[i], f[i], t[i], classifiers)).ToList());
        var genAudio = generated.Select(g => g.Audio).ToList();
        var realAudio = real.Select(c => c.Audio).ToList();
        var rows = new List<AdherenceRow>
        {
            Row("generated", genAudio, genFeatures, targets),
            Row("generated, shuffled prompts (chance)", genAudio, genFeatures, shuffled),
            Row("real clips (upper bound)", realAudio, realFeatures, targets),
            Row("real clips through the codec", resynth, resynthFeatures, targets),
        };
        progress?.Report(("scoring", 4, 4));

        // Distances on the standardised evaluation features.
        var reference = RealClips(prompts, ReferenceSeed).Select(c => classifiers.Standardised(EvaluationFeatures.Of(c.Audio))).ToList();
        List<double[]> Std(IEnumerable<float[]> f) => f.Select(classifiers.Standardised).ToList();
        var gen = Std(genFeatures);
        var realStd = Std(realFeatures);
        var resynthStd = Std(resynthFeatures);
        var distances = new List<(string, double, double)>
        {
            ("real vs real (other clips)", Distances.Kernel(realStd, reference), Distances.FrechetInfinity(realStd, reference)),
            ("codec resynthesis vs real", Distances.Kernel(resynthStd, reference), Distances.FrechetInfinity(resynthStd, reference)),
            ("generated vs real", Distances.Kernel(gen, reference), Distances.FrechetInfinity(gen, reference)),
        };
        progress?.Report(("distances", 1, 1));

        // Memorisation against the stages' training clips: by semantic tokens for the hierarchy, by the first codec level
        // for a one-stage model (it makes no semantic tokens).
        var bySemantic = generated.All(g => g.Semantic.Length > 0);
        long[] MemorisationTokens(GeneratedMusic g) => bySemantic ? g.Semantic : g.Coarse[0];
        var tokenMeasure = bySemantic ? "3-gram overlap of semantic tokens" : "3-gram overlap of level-1 codec codes";
        var trainAudio = training.Clips.AsParallel().AsOrdered().Select(c => classifiers.Standardised(EvaluationFeatures.Of(SyntheticMusic.Generate(c.Seed, Rate, Seconds).Audio))).ToList();
        var memorisation = new List<MemorisationReport>
        {
            Memorisation.ByTokens(generated.Select(MemorisationTokens).ToList(), training.Clips.Select(c => bySemantic ? c.Semantic : c.Acoustic[0]).ToList()) with { Measure = tokenMeasure },
            Memorisation.ByEmbedding(gen, trainAudio),
        };
        progress?.Report(("memorisation", 1, 1));

        // Diversity over seeds of one prompt, against as many different real clips.
        var prompt = real[0].Caption;
        var seeds = pipeline.Generate(Enumerable.Repeat(prompt, diversitySeeds).ToList(), s with { Seed = s.Seed + 7919 }, cancellation: cancellation);
        var seedEmb = seeds.Select(g => classifiers.Standardised(EvaluationFeatures.Of(g.Audio))).ToList();
        var realTokens = training.Clips.Take(diversitySeeds).Select(c => bySemantic ? c.Semantic : c.Acoustic[0]).ToList();
        var diversity = (Diversity.TokenSimilarity(seeds.Select(MemorisationTokens).ToList()), Diversity.EmbeddingDistance(seedEmb),
                         Diversity.TokenSimilarity(realTokens), Diversity.EmbeddingDistance(reference.Take(diversitySeeds).ToList()), diversitySeeds, prompt);
        progress?.Report(("diversity", 1, 1));
        return new EvaluationReport(rows, distances, memorisation, diversity, generated, real, generationTime);
    }

    /// <summary>
    /// Several designs on the same <paramref name="prompts"/> (at least 6) held-out prompts (notebook 09: the hierarchy beside
    /// MusicGen): for each, its generator's parameters, seconds per ten-second clip (one batch of all prompts, wall time
    /// divided by the clips), the adherence row, the same clips against shuffled prompts (chance), and the kernel
    /// distance and FD∞ to other real clips; the real clips' own row and distance come back too, as the upper bound.
    /// </summary>
    public static (IReadOnlyList<ModelComparison> Models, AdherenceRow Real, double RealKernelDistance, IReadOnlyList<SynthesizedClip> Clips) Compare(
        IReadOnlyList<IMusicGenerator> models, AttributeClassifiers classifiers, int prompts = 8, GenerationSettings? settings = null,
        IProgress<(string Step, int Done, int Total)>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(classifiers);
        if (models.Count == 0) throw new ArgumentException("give at least one model to compare", nameof(models));
        ArgumentOutOfRangeException.ThrowIfLessThan(prompts, 6);                  // FD∞ fits its line through sets of 6 and more
        var s = (settings ?? new GenerationSettings()) with { Seconds = Seconds };
        var real = RealClips(prompts);
        var targets = real.Select(c => PromptTarget.FromCaption(c.Caption)).ToList();
        var shuffled = PromptAdherence.Shuffled(targets);
        var reference = RealClips(prompts, ReferenceSeed).Select(c => classifiers.Standardised(EvaluationFeatures.Of(c.Audio))).ToList();
        AdherenceRow Row(string name, IReadOnlyList<AudioClip> audio, IReadOnlyList<float[]> f, IReadOnlyList<PromptTarget> t) =>
            PromptAdherence.Summarise(name, Enumerable.Range(0, audio.Count).AsParallel().AsOrdered()
                .Select(i => PromptAdherence.Score(audio[i], f[i], t[i], classifiers)).ToList());
        var realFeatures = real.Select(c => EvaluationFeatures.Of(c.Audio)).ToList();
        var realRow = Row("real clips (upper bound)", real.Select(c => c.Audio).ToList(), realFeatures, targets);
        var realStd = realFeatures.Select(classifiers.Standardised).ToList();
        var result = new List<ModelComparison>();
        for (var m = 0; m < models.Count; m++)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report(($"generating ({models[m].Name})", m, models.Count));
            var watch = Stopwatch.StartNew();
            var generated = models[m].Generate(real.Select(c => c.Caption).ToList(), s, cancellation: cancellation);
            var perClip = watch.Elapsed.TotalSeconds / generated.Count;
            var audio = generated.Select(g => g.Audio).ToList();
            var features = audio.Select(EvaluationFeatures.Of).ToList();
            var std = features.Select(classifiers.Standardised).ToList();
            result.Add(new ModelComparison(models[m].Name, models[m].GeneratorParameters, perClip,
                Row(models[m].Name, audio, features, targets), Row($"{models[m].Name}, shuffled prompts (chance)", audio, features, shuffled),
                Distances.Kernel(std, reference), Distances.FrechetInfinity(std, reference), generated));
        }
        progress?.Report(("done", models.Count, models.Count));
        return (result, realRow, Distances.Kernel(realStd, reference), real);
    }

    /// <summary>A clip encoded and decoded by the codec with all its levels.</summary>
    public static AudioClip Resynthesise(Codec.CodecModel codec, AudioClip clip)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        codec.eval();
        var x = clip.ToTensor().unsqueeze(0).to(StageTokenSet.DeviceOf(codec));
        var y = codec.Decode(codec.Encode(x, sampleRate: clip.SampleRate))[0, 0].cpu().ToArray<float>();
        var samples = new float[clip.Frames];
        Array.Copy(y, samples, Math.Min(y.Length, samples.Length));
        return new AudioClip(samples, codec.SampleRate);
    }
}
