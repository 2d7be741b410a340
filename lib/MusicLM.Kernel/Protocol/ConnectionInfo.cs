using System.Text.Json;
using System.Text.Json.Serialization;

namespace MusicLM.Kernel.Protocol;

/// <summary>The connection file Jupyter writes for a kernel (messaging spec, "Connection files").</summary>
public sealed record ConnectionInfo
{
    [JsonPropertyName("transport")] public string Transport { get; init; } = "tcp";
    [JsonPropertyName("ip")] public string Ip { get; init; } = "127.0.0.1";
    [JsonPropertyName("shell_port")] public int ShellPort { get; init; }
    [JsonPropertyName("iopub_port")] public int IopubPort { get; init; }
    [JsonPropertyName("stdin_port")] public int StdinPort { get; init; }
    [JsonPropertyName("control_port")] public int ControlPort { get; init; }
    [JsonPropertyName("hb_port")] public int HbPort { get; init; }
    [JsonPropertyName("key")] public string Key { get; init; } = "";
    [JsonPropertyName("signature_scheme")] public string SignatureScheme { get; init; } = "hmac-sha256";
    [JsonPropertyName("kernel_name")] public string? KernelName { get; init; }

    /// <summary>The ZeroMQ endpoint for a port: only the address the file names (loopback by default).</summary>
    public string Endpoint(int port) =>
        Transport == "ipc" ? $"ipc://{Ip}-{port}" : $"{Transport}://{Ip}:{port}";

    public static ConnectionInfo Load(string path) =>
        JsonSerializer.Deserialize<ConnectionInfo>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"connection file {path} is empty");

    public string ToJson() => JsonSerializer.Serialize(this);
}
