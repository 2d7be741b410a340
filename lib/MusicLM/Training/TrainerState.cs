using System.Text.Json;
using MusicLM.Torch;
using MusicLM.Torch.optim;
using MusicLM.Torch.Serialization;

namespace MusicLM.Training;

/// <summary>
/// What the stage and MuLan trainers save beside their model's checkpoint so a run resumes bit-identically: the
/// optimizer's tensors (<c>optim.</c> + key), the step and the elapsed time (in <c>.optim.safetensors</c>, written by
/// the model's <c>Save</c>), and the trainer config as JSON (<c>name.trainer.json</c>).
/// </summary>
internal static class TrainerState
{
    /// <summary>The trainer config beside a checkpoint: <c>coarse.safetensors</c> → <c>coarse.trainer.json</c>.</summary>
    /// <summary>
    /// A training log that gets one CSV line per step, appended across resumes (the header written once, when the
    /// file is new or empty), flushed on every line; null when <paramref name="path"/> is null.
    /// </summary>
    public static StreamWriter? OpenLog(string? path, string header)
    {
        if (path is null) return null;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var fresh = !File.Exists(path) || new FileInfo(path).Length == 0;
        var w = new StreamWriter(path, append: true) { AutoFlush = true };
        if (fresh) w.WriteLine(header);
        return w;
    }

    public static string ConfigPath(string path) => Path.ChangeExtension(path, ".trainer.json");

    /// <summary>
    /// Writes the trainer config beside <paramref name="path"/> (creating its folder) and returns the state tensors to
    /// save with the model; they belong to the caller's dispose scope.
    /// </summary>
    public static Dictionary<string, Tensor> Prepare<TConfig>(string path, TConfig config, Optimizer optimizer, long step, TimeSpan elapsed)
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (k, v) in optimizer.state_dict()) state["optim." + k] = v;
        state["trainer.step"] = torch.scalar_tensor(step, ScalarType.Float64);
        state["trainer.elapsed_s"] = torch.scalar_tensor(elapsed.TotalSeconds, ScalarType.Float64);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(ConfigPath(path), JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return state;
    }

    /// <summary>The trainer config saved beside <paramref name="path"/>; a missing or invalid one is a <see cref="CheckpointFormatException"/>.</summary>
    public static TConfig ReadConfig<TConfig>(string path) where TConfig : class
    {
        var cfg = ConfigPath(path);
        if (!File.Exists(cfg)) throw new CheckpointFormatException(cfg, $"'{path}' has no trainer config beside it");
        try { return JsonSerializer.Deserialize<TConfig>(File.ReadAllText(cfg)) ?? throw new CheckpointFormatException(cfg, "the trainer config is null"); }
        catch (JsonException ex) { throw new CheckpointFormatException(cfg, $"the trainer config is not valid ({ex.Message})", ex); }
    }

    /// <summary>
    /// A path of a trainer config saved with a checkpoint, for that checkpoint where it is now (<paramref name="path"/>:
    /// the folder may have been copied, moved or linked into another): the saved checkpoint path becomes
    /// <paramref name="path"/>, a file that sat beside it (the log) moves beside <paramref name="path"/>, anything else
    /// (or nothing) stays. A resumed run so never writes into the folder the config was first saved in.
    /// </summary>
    public static string? Relocated(string? file, string? savedCheckpoint, string path)
    {
        if (file is null || savedCheckpoint is null) return file;
        var full = Path.GetFullPath(file);
        var old = Path.GetFullPath(savedCheckpoint);
        if (full == old) return path;
        return Path.GetDirectoryName(full) == Path.GetDirectoryName(old)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(full))
            : file;
    }

    /// <summary>Loads the optimizer's state saved with <paramref name="path"/> and returns the step and elapsed time.</summary>
    public static (long Step, TimeSpan Elapsed) Restore(string path, Optimizer optimizer)
    {
        var state = Checkpoint.LoadOptimizerState(path);
        try
        {
            if (state is null || !state.ContainsKey("trainer.step"))
                throw new CheckpointFormatException(Checkpoint.OptimizerPath(path), $"'{path}' has no training state");
            optimizer.load_state_dict(state.Where(kv => kv.Key.StartsWith("optim.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["optim.".Length..], kv => kv.Value));
            var step = (long)state["trainer.step"].item();
            var elapsed = TimeSpan.FromSeconds(state.TryGetValue("trainer.elapsed_s", out var e) ? e.item() : 0);
            return (step, elapsed);
        }
        finally { if (state is not null) foreach (var t in state.Values) t.Dispose(); }
    }
}
