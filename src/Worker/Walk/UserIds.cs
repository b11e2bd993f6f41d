using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ZkSync.Worker.Walk;

/// <summary>Resolves a user name to its uid like Python's <c>pwd.getpwnam(name).pw_uid</c>.</summary>
public static unsafe partial class UserIds
{
    // struct passwd on 64-bit Linux: char *pw_name; char *pw_passwd; uid_t pw_uid; ...
    private const int PwUidOffset = 16;

    /// <summary>The uid of <paramref name="userName"/> (a name from the passwd database, or a decimal uid).</summary>
    public static bool TryResolve(string userName, out uint uid)
    {
        ArgumentNullException.ThrowIfNull(userName);
        uid = 0;
        if (userName.Length == 0)
        {
            return false;
        }

        var z = Encoding.UTF8.GetBytes(userName + "\0");
        fixed (byte* p = z)
        {
            var pw = GetPwNam(p);
            if (pw != 0)
            {
                uid = *(uint*)((byte*)pw + PwUidOffset);
                return true;
            }
        }

        return uint.TryParse(userName, NumberStyles.None, CultureInfo.InvariantCulture, out uid);
    }

    [LibraryImport("libc", EntryPoint = "getpwnam")]
    private static partial nint GetPwNam(byte* name);
}
