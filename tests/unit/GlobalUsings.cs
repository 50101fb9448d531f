global using System;
global using System.Collections.Generic;
global using System.Threading;
global using System.Threading.Channels;
global using System.Threading.Tasks;
global using System.Linq;
