import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev`: Vite on :5173 with /api proxied to the API server (FAIRBASE_API, default :3000).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // zod's sources carry comments Rollup cannot place; harmless, and noise in every build.
      onwarn: (warning, warn) => {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
      output: {
        // React and the data layer in stable vendor chunks; the rest (antd components, zod, echarts)
        // is split by Rollup along the screens that use it: each screen is its own chunk (React.lazy).
        manualChunks: (id) => {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (id.includes('@tanstack') || id.includes('i18next')) return 'data';
          return undefined;
        },
      },
    },
  },
  server: {
    port: 5173,
    // changeOrigin off: the API sees Host localhost:5173, the same as the browser's Origin (CSRF check).
    proxy: { '/api': { target: process.env.FAIRBASE_API ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
