namespace MusicLM.Kernel.Zmq;

/// <summary>A libzmq call failed; <see cref="Errno"/> is zmq_errno() at the time.</summary>
public sealed class ZmqException(string operation, int errno)
    : Exception($"ZeroMQ {operation} failed: {ZmqNative.ErrorText(errno)} (errno {errno})")
{
    public int Errno { get; } = errno;
}
