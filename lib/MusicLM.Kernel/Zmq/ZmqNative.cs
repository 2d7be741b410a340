using System.Runtime.InteropServices;

namespace MusicLM.Kernel.Zmq;

/// <summary>The few libzmq entry points the kernel needs (libzmq.so.5 from Debian's libzmq5).</summary>
internal static unsafe partial class ZmqNative
{
    private const string Lib = "libzmq.so.5";

    public const int PUB = 1, SUB = 2, REQ = 3, REP = 4, DEALER = 5, ROUTER = 6;
    public const int SNDMORE = 2, DONTWAIT = 1;
    public const int LINGER = 17, SUBSCRIBE = 6, ROUTING_ID = 5;
    public const short POLLIN = 1;
    public const int EAGAIN = 11, EINTR = 4, ETERM = 156384765;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollItem
    {
        public IntPtr Socket;
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>zmq_msg_t is an opaque 64-byte, 8-aligned block.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    public struct Msg
    {
        private long _p0;
    }

    [LibraryImport(Lib)] public static partial IntPtr zmq_ctx_new();
    [LibraryImport(Lib)] public static partial int zmq_ctx_term(IntPtr ctx);
    [LibraryImport(Lib)] public static partial IntPtr zmq_socket(IntPtr ctx, int type);
    [LibraryImport(Lib)] public static partial int zmq_close(IntPtr socket);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int zmq_bind(IntPtr socket, string endpoint);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int zmq_connect(IntPtr socket, string endpoint);
    [LibraryImport(Lib)] public static partial int zmq_setsockopt(IntPtr socket, int option, void* value, nuint length);
    [LibraryImport(Lib)] public static partial int zmq_send(IntPtr socket, byte* buffer, nuint length, int flags);
    [LibraryImport(Lib)] public static partial int zmq_msg_init(Msg* msg);
    [LibraryImport(Lib)] public static partial int zmq_msg_recv(Msg* msg, IntPtr socket, int flags);
    [LibraryImport(Lib)] public static partial int zmq_msg_close(Msg* msg);
    [LibraryImport(Lib)] public static partial void* zmq_msg_data(Msg* msg);
    [LibraryImport(Lib)] public static partial nuint zmq_msg_size(Msg* msg);
    [LibraryImport(Lib)] public static partial int zmq_msg_more(Msg* msg);
    [LibraryImport(Lib)] public static partial int zmq_poll(PollItem* items, int count, long timeoutMs);
    [LibraryImport(Lib)] public static partial int zmq_errno();
    [LibraryImport(Lib)] public static partial IntPtr zmq_strerror(int errnum);

    public static string ErrorText(int errno) => Marshal.PtrToStringUTF8(zmq_strerror(errno)) ?? $"errno {errno}";
}
