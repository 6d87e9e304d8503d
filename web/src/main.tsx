import { createRoot } from 'react-dom/client';
import './i18n/index.ts';
import { App } from './app/App.tsx';

// Navigation timing marks for the browser tests (sign-in → first list rendered).
performance.mark('fairbase:boot');
createRoot(document.getElementById('root')!).render(<App />);
