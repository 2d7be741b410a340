namespace MusicLM.Torch;

/// <summary>Element types; the values are libtorch's <c>c10::ScalarType</c> codes.</summary>
public enum ScalarType
{
    UInt8 = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Complex32 = 8,
    Complex64 = 9,
    Complex128 = 10,
    Bool = 11,
    BFloat16 = 15,
}

/// <summary>Names and sizes of <see cref="ScalarType"/> values.</summary>
public static class ScalarTypes
{
    /// <summary>PyTorch's name for a dtype (<c>float32</c>, <c>int64</c>, ...).</summary>
    public static string Name(this ScalarType t) => t switch
    {
        ScalarType.UInt8 => "uint8",
        ScalarType.Int8 => "int8",
        ScalarType.Int16 => "int16",
        ScalarType.Int32 => "int32",
        ScalarType.Int64 => "int64",
        ScalarType.Float16 => "float16",
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Complex32 => "complex32",
        ScalarType.Complex64 => "complex64",
        ScalarType.Complex128 => "complex128",
        ScalarType.Bool => "bool",
        ScalarType.BFloat16 => "bfloat16",
        _ => t.ToString(),
    };

    public static int ElementSize(this ScalarType t) => t switch
    {
        ScalarType.UInt8 or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 or ScalarType.Complex32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.Complex64 => 8,
        ScalarType.Complex128 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    public static bool IsFloatingPoint(this ScalarType t) =>
        t is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16;

    public static bool IsComplex(this ScalarType t) =>
        t is ScalarType.Complex32 or ScalarType.Complex64 or ScalarType.Complex128;

    /// <summary>The dtype whose elements have the .NET type <typeparamref name="T"/>.</summary>
    public static ScalarType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ScalarType.Float32;
        if (typeof(T) == typeof(double)) return ScalarType.Float64;
        if (typeof(T) == typeof(long)) return ScalarType.Int64;
        if (typeof(T) == typeof(int)) return ScalarType.Int32;
        if (typeof(T) == typeof(short)) return ScalarType.Int16;
        if (typeof(T) == typeof(byte)) return ScalarType.UInt8;
        if (typeof(T) == typeof(sbyte)) return ScalarType.Int8;
        if (typeof(T) == typeof(bool)) return ScalarType.Bool;
        if (typeof(T) == typeof(Half)) return ScalarType.Float16;
        if (typeof(T) == typeof(System.Numerics.Complex)) return ScalarType.Complex128;
        throw new NotSupportedException($"no tensor dtype for .NET type {typeof(T).Name}");
    }

    /// <summary>Parses PyTorch / safetensors names: float32, F32, torch.float32, long, ...</summary>
    public static ScalarType Parse(string name) => name.Replace("torch.", "").ToLowerInvariant() switch
    {
        "uint8" or "u8" or "byte" => ScalarType.UInt8,
        "int8" or "i8" or "char" => ScalarType.Int8,
        "int16" or "i16" or "short" => ScalarType.Int16,
        "int32" or "i32" or "int" => ScalarType.Int32,
        "int64" or "i64" or "long" => ScalarType.Int64,
        "float16" or "f16" or "half" => ScalarType.Float16,
        "float32" or "f32" or "float" => ScalarType.Float32,
        "float64" or "f64" or "double" => ScalarType.Float64,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "bool" => ScalarType.Bool,
        "complex64" or "c64" => ScalarType.Complex64,
        "complex128" or "c128" => ScalarType.Complex128,
        _ => throw new ArgumentException($"unknown dtype name '{name}'", nameof(name)),
    };
}
