using System.Text.Json;
using System.Text.Json.Nodes;
using MusicLM.Torch.nn;

namespace MusicLM.Torch.Serialization;

/// <summary>
/// A model checkpoint as the course stores it (DESIGN.md D6): the weights as safetensors at
/// <c>path</c> (e.g. <c>codec.safetensors</c>), the config record as JSON beside it
/// (<c>codec.json</c>), and optionally the optimizer state (<c>codec.optim.safetensors</c>).
/// Python reads the weights with <c>safetensors.torch.load_file</c> and the config with <c>json</c>.
/// <para>The config file looks like <c>{"format": 1, "type": "MusicLM.CodecConfig", "config": {...}}</c>.</para>
/// Every file is written atomically; the config is written last, so a checkpoint whose config is
/// present was completely written.
/// </summary>
public static class Checkpoint
{
    /// <summary>The version of the config file layout this code writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The config file beside the weights: <c>codec.safetensors</c> → <c>codec.json</c>.</summary>
    public static string ConfigPath(string path) => Path.ChangeExtension(path, ".json");

    /// <summary>The optimizer state beside the weights: <c>codec.safetensors</c> → <c>codec.optim.safetensors</c>.</summary>
    public static string OptimizerPath(string path) => Path.ChangeExtension(path, ".optim.safetensors");

    /// <summary>
    /// Saves <paramref name="model"/>'s state dict, <paramref name="config"/> and, when given, the
    /// optimizer state. Without optimizer state, a stale optimizer file from an earlier save is removed.
    /// </summary>
    public static void Save<TConfig>(string path, Module model, TConfig config, IReadOnlyDictionary<string, Tensor>? optimizerState = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        if (string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("the weights path must not end in .json: the config is written there", nameof(path));

        // Serialize first so a config that cannot be written fails before any file changes.
        var doc = new JsonObject
        {
            ["format"] = FormatVersion,
            ["type"] = typeof(TConfig).FullName,
            ["config"] = JsonSerializer.SerializeToNode(config, Json),
        };
        var json = doc.ToJsonString(Json);

        Safetensors.Save(path, model.state_dict(), new Dictionary<string, string> { ["format"] = "pt" });
        var optim = OptimizerPath(path);
        if (optimizerState != null) Safetensors.Save(optim, optimizerState);
        else if (File.Exists(optim)) File.Delete(optim);
        AtomicFile.Write(ConfigPath(path), s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            w.Write(json);
            w.Write('\n');
        });
    }

    /// <summary>The config saved with the checkpoint at <paramref name="path"/>.</summary>
    public static TConfig Load<TConfig>(string path)
    {
        var cfgPath = ConfigPath(path);
        if (!File.Exists(cfgPath))
            throw new CheckpointFormatException(cfgPath, $"the config of checkpoint '{path}' is missing (a checkpoint is the weights plus this JSON file beside them)");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(cfgPath));
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException(cfgPath, $"config is not valid JSON ({ex.Message})", ex);
        }
        if (root is not JsonObject obj) throw new CheckpointFormatException(cfgPath, "config is not a JSON object");

        int format;
        try
        {
            format = obj["format"]?.GetValue<int>() ?? throw new CheckpointFormatException(cfgPath, "config has no \"format\" field");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new CheckpointFormatException(cfgPath, "config \"format\" is not an integer", ex);
        }
        if (format > FormatVersion)
            throw new CheckpointFormatException(cfgPath, $"config format {format} is newer than this library's {FormatVersion}");
        if (obj["config"] is not JsonNode node) throw new CheckpointFormatException(cfgPath, "config has no \"config\" object");
        try
        {
            return node.Deserialize<TConfig>(Json) ?? throw new CheckpointFormatException(cfgPath, "config is null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            var saved = obj["type"]?.ToString();
            throw new CheckpointFormatException(cfgPath, $"config cannot be read as {typeof(TConfig).Name} (saved as {saved ?? "unknown type"}): {ex.Message}", ex);
        }
    }

    /// <summary>Copies the checkpoint's weights into <paramref name="model"/> (see <see cref="Module.load_state_dict"/>).</summary>
    public static void LoadInto(string path, Module model, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var file = Safetensors.Load(path);
        model.load_state_dict(file.Tensors, strict);
    }

    /// <summary>The optimizer state saved with the checkpoint, or null when it was saved without one.</summary>
    public static Dictionary<string, Tensor>? LoadOptimizerState(string path)
    {
        var optim = OptimizerPath(path);
        if (!File.Exists(optim)) return null;
        return Safetensors.Load(optim).Tensors;
    }
}
