using System.Text.Json;
using MusicLM.Audio;

namespace MusicLM.Cli.Tests;

/// <summary>A data folder prepared once with the quick recipes, shared by the generate and prepare tests.</summary>
public sealed class PreparedCourse : IDisposable
{
    public PreparedCourse()
    {
        Dir = Directory.CreateTempSubdirectory("cli-course-").FullName;
        Data = Path.Combine(Dir, "data");
        (Code, Out, Err) = CourseCommandTests.Run("course", "prepare", "--quick", "--minutes-per-stage", "0.05", "--data", Data);
    }

    public string Dir { get; }
    public string Data { get; }
    public int Code { get; }
    public string Out { get; }
    public string Err { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

[Collection(CodecCommandCollection.Name)]
public sealed class CourseCommandTests(PreparedCourse course) : IClassFixture<PreparedCourse>
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static readonly string[] Steps = ["codec", "semantic tokenizer", "MuLan", "tokens", "semantic stage", "coarse stage", "fine stage", "one-stage model"];

    [Fact]
    public void Prepare_trains_every_model_in_order_and_prints_a_summary_table()
    {
        Assert.True(course.Code == 0, course.Err + course.Out);
        var table = course.Out.Split('\n').SkipWhile(l => !l.StartsWith("step ")).Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
        Assert.Equal(Steps, table.Select(l => Steps.Single(s => l.StartsWith(s + "  "))).ToArray());
        Assert.All(table, l => Assert.Matches(@"  (trained|computed)  ", l));
        Assert.Contains(table, l => l.StartsWith("fine stage") && l.Contains("held-out loss"));
        Assert.Contains(table, l => l.StartsWith("one-stage model") && l.Contains("held-out loss"));
        foreach (var f in new[] { "codec/course.safetensors", "semantic/course.safetensors", "mulan/course.safetensors",
                                  "stages/semantic.safetensors", "stages/coarse.safetensors", "stages/fine.safetensors", "stages/musicgen.safetensors", "prepare.json" })
            Assert.True(File.Exists(Path.Combine(course.Data, f)), $"{f} is missing");
        Assert.Contains("musiclm generate --prompt", course.Out);
    }

    [Fact]
    public void Generate_writes_wavs_of_the_requested_length_and_a_json_line_per_clip()
    {
        Assert.True(course.Code == 0, course.Err);
        var output = Path.Combine(course.Dir, "techno.wav");
        var (code, o, e) = Run("generate", "--prompt", "a fast techno track with a saw lead in A minor", "--seconds", "3", "--count", "2",
                               "--seed", "4", "--out", output, "--checkpoints", course.Data);
        Assert.True(code == 0, e + o);
        var lines = o.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        for (var i = 0; i < 2; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var file = json.RootElement.GetProperty("file").GetString()!;
            Assert.Equal(Path.Combine(course.Dir, $"techno-{i + 1}.wav"), file);
            var clip = AudioFile.Read(file);
            Assert.Equal(3 * 16000, clip.Frames);
            Assert.Contains(clip.Channel(0), x => x != 0);
            Assert.Equal(4UL, json.RootElement.GetProperty("seed").GetUInt64());
            var times = json.RootElement.GetProperty("time_s");
            Assert.True(times.GetProperty("total").GetDouble() > 0);
            Assert.True(times.GetProperty("semantic").GetDouble() > 0);
        }
        // The same seed again gives the same audio.
        var again = Path.Combine(course.Dir, "again.wav");
        Assert.Equal(0, Run("generate", "--prompt", "a fast techno track with a saw lead in A minor", "--seconds", "3", "--count", "2",
                            "--seed", "4", "--out", again, "--checkpoints", course.Data).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(course.Dir, "techno-1.wav")), File.ReadAllBytes(Path.Combine(course.Dir, "again-1.wav")));
    }

    [Fact]
    public void Generate_continues_an_audio_prompt()
    {
        Assert.True(course.Code == 0, course.Err);
        var prompt = Path.Combine(course.Dir, "prompt.wav");
        AudioFile.Write(prompt, MusicLM.Audio.Synthesis.SyntheticMusic.Generate(3, 16000, 1.0).Audio);
        var output = Path.Combine(course.Dir, "continued.wav");
        var (code, o, e) = Run("generate", "--continue", prompt, "--seconds", "2.5", "--out", output, "--checkpoints", course.Data, "--skip-fine");
        Assert.True(code == 0, e + o);
        Assert.Equal(40000, AudioFile.Read(output).Frames);
        using var json = JsonDocument.Parse(o);
        Assert.True(json.RootElement.GetProperty("prompt_seconds").GetDouble() > 0.9);
        Assert.Equal("skipped", json.RootElement.GetProperty("fine").GetString());
    }

    [Fact]
    public void A_second_prepare_keeps_what_the_first_made()
    {
        Assert.True(course.Code == 0, course.Err);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(course.Data, "stages", "fine.safetensors"));
        var (code, o, e) = Run("course", "prepare", "--quick", "--minutes-per-stage", "0.05", "--data", course.Data);
        Assert.True(code == 0, e + o);
        var table = o.Split('\n').SkipWhile(l => !l.StartsWith("step ")).Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
        Assert.Equal(8, table.Count);
        Assert.All(table, l => Assert.Contains("  kept  ", l));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(course.Data, "stages", "fine.safetensors")));
    }

    [Fact]
    public void A_larger_budget_continues_the_codec_retrains_the_stages_on_its_new_tokens_and_gives_the_coarse_stage_its_share()
    {
        Assert.True(course.Code == 0, course.Err);
        var data = Path.Combine(course.Dir, "extended");
        CopyFolder(course.Data, data);                  // a copied data folder: its saved trainer configs name the original
        var original = Directory.EnumerateFiles(course.Data, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        JsonElement Record(string step) => JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "prepare.json"))).RootElement.GetProperty("Steps").GetProperty(step);
        var before = Steps.Where(s => s != "tokens").ToDictionary(s => s, s => Record(s).GetProperty("TrainingSteps").GetInt64());
        Assert.Equal(0.05 * 60 * 5, Record("coarse stage").GetProperty("BudgetSeconds").GetDouble(), 6);
        Assert.Equal(0.05 * 60, Record("fine stage").GetProperty("BudgetSeconds").GetDouble(), 6);
        var (code, o, e) = Run("course", "prepare", "--quick", "--minutes-per-stage", "0.1", "--data", data);
        Assert.True(code == 0, e + o);
        string Status(string step) => o.Split('\n').Single(l => l.StartsWith(step + "  ")).Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1];
        // The codec trains on from its checkpoint; that changes its tokens, so the stages are trained again, each to its new budget.
        Assert.Equal("extended", Status("codec"));
        Assert.True(Record("codec").GetProperty("TrainingSteps").GetInt64() > before["codec"], "the codec must train on from its checkpoint");
        Assert.Contains("codec: continuing", o);
        Assert.Equal("kept", Status("semantic tokenizer"));      // these two cannot continue and do not depend on the codec
        Assert.Equal("kept", Status("MuLan"));
        foreach (var step in new[] { "semantic stage", "coarse stage", "fine stage", "one-stage model" })
        {
            Assert.Equal("trained", Status(step));
            Assert.Equal(step switch { "coarse stage" => 30.0, "one-stage model" => 12.0, _ => 6.0 }, Record(step).GetProperty("BudgetSeconds").GetDouble(), 6);
        }
        // The same budget again keeps everything.
        (code, o, e) = Run("course", "prepare", "--quick", "--minutes-per-stage", "0.1", "--data", data);
        Assert.True(code == 0, e + o);
        Assert.All(Steps.Where(s => s != "tokens"), s => Assert.Equal("kept", Status(s)));
        // A stage an earlier run gave less time (as a shorter prepare leaves it) continues from its checkpoint alone.
        var statePath = Path.Combine(data, "prepare.json");
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(statePath))!;
        state["Steps"]!["coarse stage"]!["BudgetSeconds"] = 10.0;
        File.WriteAllText(statePath, state.ToJsonString());
        var coarseSteps = Record("coarse stage").GetProperty("TrainingSteps").GetInt64();
        (code, o, e) = Run("course", "prepare", "--quick", "--minutes-per-stage", "0.1", "--data", data);
        Assert.True(code == 0, e + o);
        Assert.Equal("extended", Status("coarse stage"));
        Assert.True(Record("coarse stage").GetProperty("TrainingSteps").GetInt64() > coarseSteps, "the coarse stage must train on from its checkpoint");
        Assert.All(Steps.Where(s => s != "tokens" && s != "coarse stage"), s => Assert.Equal("kept", Status(s)));
        // Everything was written in the copy; the folder it was copied from is untouched.
        Assert.All(original, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void An_interrupted_step_continues_from_its_checkpoint_and_an_unreadable_state_file_starts_over()
    {
        Assert.True(course.Code == 0, course.Err);
        var statePath = Path.Combine(course.Data, "prepare.json");
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(statePath))!;
        var fine = state["Steps"]!["fine stage"]!;
        var stepsBefore = fine["TrainingSteps"]!.GetValue<long>();
        fine["State"] = "started";                      // as a run killed during the fine stage leaves it
        File.WriteAllText(statePath, state.ToJsonString());
        var (code, o, e) = Run("course", "prepare", "--quick", "--minutes-per-stage", "0.05", "--data", course.Data);
        Assert.True(code == 0, e + o);
        var row = o.Split('\n').Single(l => l.StartsWith("fine stage  "));
        Assert.Contains("  resumed  ", row);
        var after = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(statePath))!["Steps"]!["fine stage"]!;
        Assert.Equal("done", after["State"]!.GetValue<string>());
        Assert.True(after["TrainingSteps"]!.GetValue<long>() >= stepsBefore, "the resumed stage's step count must carry on");
        Assert.Contains("continuing the interrupted run's checkpoint", o);
        Assert.Contains(o.Split('\n'), l => l.StartsWith("codec  ") && l.Contains("  kept  "));
    }

    [Fact]
    public void Generate_without_prepared_models_names_the_command_that_makes_them()
    {
        var empty = Directory.CreateTempSubdirectory("cli-empty-").FullName;
        try
        {
            var (code, _, e) = Run("generate", "--prompt", "a song", "--out", Path.Combine(empty, "x.wav"), "--checkpoints", empty);
            Assert.Equal(Cli.RunError, code);
            Assert.Contains("musiclm course prepare", e);
            Assert.Contains("no codec at", e);
            Assert.False(File.Exists(Path.Combine(empty, "x.wav")));
        }
        finally { Directory.Delete(empty, true); }
    }

    [Fact]
    public void Generate_with_the_one_stage_model_writes_a_wav_and_says_which_model_made_it()
    {
        Assert.True(course.Code == 0, course.Err);
        var output = Path.Combine(course.Dir, "musicgen.wav");
        var (code, o, e) = Run("generate", "--model", "musicgen", "--prompt", "a calm piano piece in C major", "--seconds", "2", "--seed", "3",
                               "--temperature", "0.9", "--out", output, "--checkpoints", course.Data);
        Assert.True(code == 0, e + o);
        var clip = AudioFile.Read(output);
        Assert.Equal(2 * 16000, clip.Frames);
        Assert.Contains(clip.Channel(0), x => x != 0);
        using var json = JsonDocument.Parse(o);
        Assert.Equal("MusicGen", json.RootElement.GetProperty("model").GetString());
        Assert.Contains("temperature 0.9", json.RootElement.GetProperty("one_stage").GetString());
        Assert.Contains("top-k 250", json.RootElement.GetProperty("one_stage").GetString());
        Assert.True(json.RootElement.GetProperty("time_s").GetProperty("one_stage").GetDouble() > 0);
        Assert.False(json.RootElement.TryGetProperty("semantic", out _));
        // The hierarchy's options are refused with the one-stage model, and the other way round.
        var (c2, _, e2) = Run("generate", "--model", "musicgen", "--prompt", "x", "--coarse-temperature", "0.5", "--out", output);
        Assert.Equal(Cli.UsageError, c2);
        Assert.Contains("--coarse-temperature is a stage of the hierarchy's", e2);
        var (c3, _, e3) = Run("generate", "--prompt", "x", "--temperature", "0.5", "--out", output);
        Assert.Equal(Cli.UsageError, c3);
        Assert.Contains("--temperature is the one-stage model's", e3);
        // Without a prepared one-stage model, the message names the command that makes it.
        var empty = Directory.CreateTempSubdirectory("cli-nomusicgen-").FullName;
        try
        {
            var (c4, _, e4) = Run("generate", "--model", "musicgen", "--prompt", "a song", "--out", Path.Combine(empty, "x.wav"), "--checkpoints", empty);
            Assert.Equal(Cli.RunError, c4);
            Assert.Contains("musiclm course prepare", e4);
        }
        finally { Directory.Delete(empty, true); }
    }

    [Theory]
    [InlineData("--seconds", "0", "--seconds must be")]
    [InlineData("--seconds", "-3", "--seconds must be")]
    [InlineData("--count", "0", "--count must be an integer of at least 1")]
    [InlineData("--top-p", "1.5", "--top-p must be")]
    public void Generate_rejects_bad_values_as_usage_errors(string option, string value, string message)
    {
        var (code, _, e) = Run("generate", "--prompt", "a song", "--out", "/tmp/never.wav", option, value);
        Assert.Equal(Cli.UsageError, code);
        Assert.Contains(message, e);
    }

    [Fact]
    public void Generate_rejects_an_empty_prompt_without_the_parameter_name()
    {
        Assert.True(course.Code == 0, course.Err);
        var (code, _, e) = Run("generate", "--prompt", " ", "--out", Path.Combine(course.Dir, "empty.wav"), "--checkpoints", course.Data);
        Assert.Equal(Cli.RunError, code);
        Assert.Contains("prompt 0 is empty", e);
        Assert.DoesNotContain("Parameter", e);
        var (c2, _, e2) = Run("generate", "--out", Path.Combine(course.Dir, "none.wav"));
        Assert.Equal(Cli.UsageError, c2);
        Assert.Contains("give --prompt TEXT", e2);
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("course", "prepare")]
    public void Help_describes_the_command(params string[] command)
    {
        var (code, o, _) = Run([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains(command[^1] == "generate" ? "--prompt" : "--minutes-per-stage", o);
    }
}
