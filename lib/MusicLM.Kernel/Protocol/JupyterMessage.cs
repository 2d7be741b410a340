using System.Text.Json.Nodes;

namespace MusicLM.Kernel.Protocol;

/// <summary>One Jupyter message: routing identities, the four JSON parts and binary buffers.</summary>
internal sealed class JupyterMessage
{
    public List<byte[]> Identities { get; init; } = [];
    public required JsonObject Header { get; init; }
    public JsonObject ParentHeader { get; init; } = [];
    public JsonObject Metadata { get; init; } = [];
    public JsonObject Content { get; init; } = [];
    public List<byte[]> Buffers { get; init; } = [];

    public string MsgType => Header["msg_type"]?.GetValue<string>() ?? "";
    public string MsgId => Header["msg_id"]?.GetValue<string>() ?? "";

    /// <summary>A header for a new message from this kernel's session.</summary>
    public static JsonObject NewHeader(string msgType, string session) => new()
    {
        ["msg_id"] = Guid.NewGuid().ToString("N"),
        ["session"] = session,
        ["username"] = "kernel",
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
        ["msg_type"] = msgType,
        ["version"] = WireFormat.ProtocolVersion,
    };
}
