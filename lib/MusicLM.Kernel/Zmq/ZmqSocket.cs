namespace MusicLM.Kernel.Zmq;

/// <summary>
/// One ZeroMQ socket. Like libzmq's own sockets it is not thread-safe: callers that share one
/// (the kernel's iopub) serialise access with <see cref="SendLock"/>.
/// </summary>
internal sealed unsafe class ZmqSocket : IDisposable
{
    private IntPtr _handle;

    internal ZmqSocket(IntPtr handle) => _handle = handle;

    public object SendLock { get; } = new();

    public IntPtr Handle => _handle;

    public void Bind(string endpoint)
    {
        if (ZmqNative.zmq_bind(Live, endpoint) != 0)
            throw new ZmqException($"bind to {endpoint}", ZmqNative.zmq_errno());
    }

    public void Connect(string endpoint)
    {
        if (ZmqNative.zmq_connect(Live, endpoint) != 0)
            throw new ZmqException($"connect to {endpoint}", ZmqNative.zmq_errno());
    }

    public void SetLinger(int milliseconds) => SetInt(ZmqNative.LINGER, milliseconds);

    public void Subscribe(byte[] prefix) => SetBytes(ZmqNative.SUBSCRIBE, prefix);

    public void SetRoutingId(byte[] id) => SetBytes(ZmqNative.ROUTING_ID, id);

    private void SetInt(int option, int value)
    {
        if (ZmqNative.zmq_setsockopt(Live, option, &value, sizeof(int)) != 0)
            throw new ZmqException($"setsockopt {option}", ZmqNative.zmq_errno());
    }

    private void SetBytes(int option, byte[] value)
    {
        fixed (byte* p = value)
        {
            if (ZmqNative.zmq_setsockopt(Live, option, p, (nuint)value.Length) != 0)
                throw new ZmqException($"setsockopt {option}", ZmqNative.zmq_errno());
        }
    }

    /// <summary>Sends all frames as one multipart message.</summary>
    public void SendMultipart(IReadOnlyList<byte[]> frames)
    {
        for (int i = 0; i < frames.Count; i++)
        {
            int flags = i < frames.Count - 1 ? ZmqNative.SNDMORE : 0;
            Send(frames[i], flags);
        }
    }

    public void Send(byte[] frame, int flags)
    {
        fixed (byte* p = frame)
        {
            while (ZmqNative.zmq_send(Live, p, (nuint)frame.Length, flags) < 0)
            {
                int e = ZmqNative.zmq_errno();
                if (e != ZmqNative.EINTR) throw new ZmqException("send", e);
            }
        }
    }

    /// <summary>Receives one whole multipart message; null when <paramref name="flags"/> has DONTWAIT and nothing is waiting.</summary>
    public List<byte[]>? ReceiveMultipart(int flags = 0)
    {
        var frames = new List<byte[]>();
        ZmqNative.Msg msg;
        while (true)
        {
            ZmqNative.zmq_msg_init(&msg);
            try
            {
                int n;
                while ((n = ZmqNative.zmq_msg_recv(&msg, Live, frames.Count == 0 ? flags : 0)) < 0)
                {
                    int e = ZmqNative.zmq_errno();
                    if (e == ZmqNative.EAGAIN && frames.Count == 0) return null;
                    if (e != ZmqNative.EINTR) throw new ZmqException("recv", e);
                }
                var data = new byte[n];
                new ReadOnlySpan<byte>(ZmqNative.zmq_msg_data(&msg), n).CopyTo(data);
                frames.Add(data);
                if (ZmqNative.zmq_msg_more(&msg) == 0) return frames;
            }
            finally
            {
                ZmqNative.zmq_msg_close(&msg);
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for a message; true when one can be received.</summary>
    public bool Poll(int timeoutMs)
    {
        var item = new ZmqNative.PollItem { Socket = Live, Events = ZmqNative.POLLIN };
        int r = ZmqNative.zmq_poll(&item, 1, timeoutMs);
        if (r < 0)
        {
            int e = ZmqNative.zmq_errno();
            if (e == ZmqNative.EINTR) return false;
            throw new ZmqException("poll", e);
        }
        return (item.Revents & ZmqNative.POLLIN) != 0;
    }

    private IntPtr Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
            return _handle;
        }
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        ZmqNative.zmq_close(_handle);
        _handle = IntPtr.Zero;
    }
}
