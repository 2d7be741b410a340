namespace MusicLM.Kernel.Zmq;

/// <summary>A ZeroMQ context: the owner of every socket made from it.</summary>
internal sealed class ZmqContext : IDisposable
{
    private IntPtr _handle;

    public ZmqContext()
    {
        try
        {
            _handle = ZmqNative.zmq_ctx_new();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new ZmqUnavailableException(e);
        }
        if (_handle == IntPtr.Zero) throw new ZmqException("zmq_ctx_new", ZmqNative.zmq_errno());
    }

    public ZmqSocket Socket(int type)
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        var s = ZmqNative.zmq_socket(_handle, type);
        if (s == IntPtr.Zero) throw new ZmqException("zmq_socket", ZmqNative.zmq_errno());
        return new ZmqSocket(s);
    }

    /// <summary>Terminates the context; blocks until every socket is closed and its linger time has passed.</summary>
    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        while (ZmqNative.zmq_ctx_term(_handle) != 0 && ZmqNative.zmq_errno() == ZmqNative.EINTR) { }
        _handle = IntPtr.Zero;
    }
}
